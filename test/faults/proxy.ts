import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GRAPH_VERSION } from '../helpers/fake-graph-api.js';

// A pass-through on 127.0.0.1 in front of a fake platform API (the Graph API, the Bot API).
// It forwards what it is not told to break and records what became of every request, so replies
// are counted as the platform accepted them, not as Faro tried them. It can also be closed like a
// gate: requests are then held unanswered and never reach the fake, as if the network had stalled.

export interface Seen {
  method: string;
  path: string;
  body: Record<string, unknown>;
}
export type ProxyFault = 'reset' | 'hang' | { status: number; code?: number; retryAfter?: string };
export interface Exchange extends Seen {
  /** The HTTP status Faro got, or what the proxy did instead of answering. */
  outcome: number | 'reset' | 'hang';
  /** The phase it went through in (see open()), e.g. which Faro process sent it. */
  phase: string;
}


export const isSend = (s: Seen) => s.method === 'POST' && s.path.endsWith('/messages') && s.body.status !== 'read';
export const isRead = (s: Seen) => s.method === 'POST' && s.path.endsWith('/messages') && s.body.status === 'read';
export const isMediaInfo = (s: Seen) => s.method === 'GET' && s.path.startsWith(`/${GRAPH_VERSION}/`);
export const isMediaFile = (s: Seen) => s.method === 'GET' && s.path.startsWith('/whatsapp_business/attachments/');

export class FaultProxy {
  readonly exchanges: Exchange[] = [];
  private rules: { when: (s: Seen) => boolean; fault: ProxyFault; times: number }[] = [];
  private server: Server;
  private origin = '';
  private held: ServerResponse[] = [];
  private closed = false;
  private phase = 'first';

  constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      if (this.hold(req, res)) return;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (this.hold(req, res)) return;
        let body: Record<string, unknown> = {};
        try {
          body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          // Not JSON: forwarded as it is.
        }
        const seen: Seen = { method: req.method ?? '', path: req.url ?? '', body };
        const rule = this.rules.find((r) => r.times > 0 && r.when(seen));
        if (!rule) {
          this.forward(seen, raw, req.headers, res);
          return;
        }
        rule.times--;
        const { fault } = rule;
        this.exchanges.push({ ...seen, outcome: typeof fault === 'string' ? fault : fault.status, phase: this.phase });
        if (fault === 'reset') req.socket.destroy();
        else if (fault !== 'hang') {
          const code = fault.code ?? (fault.status === 429 ? 130429 : fault.status >= 500 ? 131000 : 100);
          res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
          res.end(JSON.stringify({ error: { message: 'injected failure', type: 'OAuthException', code, fbtrace_id: 'Fault' } }));
        }
        // 'hang': never answered; the client's timeout gives up, stop() cuts what is left.
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** This proxy's address, e.g. for TELEGRAM_API_ROOT. */
  get url(): string {
    return this.origin;
  }

  /** The Graph API base through this proxy, e.g. for WHATSAPP_API_BASE. */
  get apiBase(): string {
    return `${this.origin}/${GRAPH_VERSION}`;
  }

  /** From now on requests hang unanswered and nothing reaches the fake: the network stalls. */
  close(): void {
    this.closed = true;
  }

  /** Lets requests through again; those held while closed are cut. `phase` tags what follows. */
  open(phase: string): void {
    this.closed = false;
    this.phase = phase;
    for (const res of this.held.splice(0)) res.destroy();
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  /** The next `times` requests `when` matches get `fault` instead of reaching the Graph API. */
  inject(when: (s: Seen) => boolean, fault: ProxyFault, times = 1): void {
    this.rules.push({ when, fault, times });
  }

  clear(): void {
    this.rules = [];
    this.exchanges.length = 0;
  }

  private hold(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.closed) return false;
    this.held.push(res);
    req.resume();
    return true;
  }

  /** Message sends to `to` that the Graph API accepted (200), in order. */
  delivered(to: string): Exchange[] {
    return this.exchanges.filter((e) => isSend(e) && e.body.to === to && e.outcome === 200);
  }

  private forward(seen: Seen, raw: Buffer, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const url = new URL(this.target);
    const phase = this.phase;
    const upstream = request({ host: url.hostname, port: url.port, method: seen.method, path: seen.path, headers: { ...headers, host: url.host } }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (c: Buffer) => parts.push(c));
      answer.on('end', () => {
        let out = Buffer.concat(parts);
        // Media URLs point back at the Graph API's host: send the download through here too.
        if (String(answer.headers['content-type']).includes('json')) out = Buffer.from(out.toString('utf8').split(this.target).join(this.origin));
        this.exchanges.push({ ...seen, outcome: answer.statusCode ?? 0, phase });
        const { 'content-length': _length, 'transfer-encoding': _te, connection: _c, 'keep-alive': _ka, ...rest } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, { ...rest, 'content-length': String(out.length) }).end(out);
      });
    });
    upstream.on('error', () => res.socket?.destroy());
    upstream.end(raw);
  }
}
