import { createHmac } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GRAPH_VERSION = 'v23.0';
export const PHONE_NUMBER_ID = '106540352242922';
export const GRAPH_TOKEN = 'EAAG-test-token-for-the-fake-graph-api';

export interface GraphRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

/** What the fake does with the next message send instead of accepting it. */
export type Scripted =
  | { status: number; code?: number; retryAfter?: string }
  | { hang: true };

/**
 * A stand-in for the Graph API on 127.0.0.1: records every request, accepts messages and read
 * receipts like Meta does, and can be told to answer the next sends with 429 (with Retry-After),
 * 5xx, 4xx, or never answer at all.
 */
export class FakeGraphApi {
  readonly requests: GraphRequest[] = [];
  private script: Scripted[] = [];
  private always: Scripted | undefined;
  private server: Server;
  private nextId = 1;
  apiBase = '';
  /** Pictures people "sent", by media id; GETs for them are listed in `mediaRequests`, not `requests`. */
  private media = new Map<string, { bytes: Buffer; mime: string; declaredSize?: number }>();
  readonly mediaRequests: { path: string; authorization: string | undefined }[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      if (req.method === 'GET') {
        this.answerMedia(req.url ?? '', req.headers.authorization, res);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        const request = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() };
        this.requests.push(request);
        this.answer(request, res);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.apiBase = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${GRAPH_VERSION}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  /** Makes a picture downloadable as Meta does: GET /{version}/{id} gives a URL, GET that URL gives the bytes. */
  addMedia(id: string, bytes: Buffer, mime = 'image/png', declaredSize?: number): void {
    this.media.set(id, { bytes, mime, ...(declaredSize !== undefined ? { declaredSize } : {}) });
  }

  private answerMedia(url: string, authorization: string | undefined, res: ServerResponse): void {
    this.mediaRequests.push({ path: url, authorization });
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (authorization !== `Bearer ${GRAPH_TOKEN}`) {
      json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      return;
    }
    const meta = new RegExp(`^/${GRAPH_VERSION}/([^/?]+)$`).exec(url);
    const file = /^\/whatsapp_business\/attachments\/\?mid=([^&]+)/.exec(url);
    const id = decodeURIComponent(meta?.[1] ?? file?.[1] ?? '');
    const media = this.media.get(id);
    if (!media) {
      json(404, { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100 } });
      return;
    }
    if (meta) {
      const origin = this.apiBase.slice(0, this.apiBase.indexOf(`/${GRAPH_VERSION}`));
      json(200, { messaging_product: 'whatsapp', url: `${origin}/whatsapp_business/attachments/?mid=${encodeURIComponent(id)}&ext=1`, mime_type: media.mime, sha256: 'x', file_size: media.declaredSize ?? media.bytes.length, id });
      return;
    }
    res.writeHead(200, { 'content-type': media.mime, 'content-length': String(media.bytes.length) }).end(media.bytes);
  }

  /** The next message sends get these answers, in order; read receipts are not affected. */
  failNext(...answers: Scripted[]): void {
    this.script.push(...answers);
  }

  /** Every message send gets this answer until reset. */
  failAlways(answer: Scripted): void {
    this.always = answer;
  }

  reset(): void {
    this.requests.length = 0;
    this.script = [];
    this.always = undefined;
  }

  /** Message sends (not read receipts) to one recipient, or to everyone. */
  sends(to?: string): GraphRequest[] {
    return this.requests.filter((r) => r.body.status !== 'read' && (to === undefined || r.body.to === to));
  }

  reads(): GraphRequest[] {
    return this.requests.filter((r) => r.body.status === 'read');
  }

  async until(predicate: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out; ${this.requests.length} requests so far`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private answer(request: GraphRequest, res: ServerResponse): void {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (request.authorization !== `Bearer ${GRAPH_TOKEN}`) {
      json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      return;
    }
    if (request.method !== 'POST' || request.path !== `/${GRAPH_VERSION}/${PHONE_NUMBER_ID}/messages` || request.body.messaging_product !== 'whatsapp') {
      json(400, { error: { message: 'Unsupported request', type: 'GraphMethodException', code: 100 } });
      return;
    }
    if (request.body.status === 'read') {
      json(200, { success: true });
      return;
    }
    const scripted = this.script.shift() ?? this.always;
    if (scripted && 'hang' in scripted) return;
    if (scripted) {
      const code = scripted.code ?? (scripted.status === 429 ? 130429 : scripted.status >= 500 ? 131000 : 131009);
      json(scripted.status, { error: { message: 'scripted failure', type: 'OAuthException', code, fbtrace_id: 'AbC' } }, scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {});
      return;
    }
    json(200, { messaging_product: 'whatsapp', contacts: [{ input: request.body.to, wa_id: request.body.to }], messages: [{ id: `wamid.fake${this.nextId++}` }] });
  }
}

/** Signs a webhook body as Meta does (X-Hub-Signature-256). */
export function sign(appSecret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

let nextMessage = 1;

/** A fresh wamid-like id. */
export const messageId = () => `wamid.TEST${String(nextMessage++).padStart(8, '0')}`;

/** Seconds since 1970, as Meta writes timestamps. */
export const seconds = (ms = Date.now()) => String(Math.floor(ms / 1000));

/** One inbound message as Meta sends it; `fields` holds the type's own object, e.g. { text: { body } }. */
export function inboundMessage(from: string, type: string, fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { from, id: messageId(), timestamp: seconds(), type, ...fields, ...extra };
}

/** A webhook payload carrying these messages (and statuses) for one phone number. */
export function webhookPayload(messages: unknown[], options: { statuses?: unknown[]; phoneNumberId?: string } = {}) {
  const wa = messages.map((m) => (m as { from: string }).from);
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: options.phoneNumberId ?? PHONE_NUMBER_ID },
              ...(wa.length ? { contacts: [...new Set(wa)].map((wa_id) => ({ profile: { name: 'Ana' }, wa_id })) } : {}),
              ...(messages.length ? { messages } : {}),
              ...(options.statuses ? { statuses: options.statuses } : {}),
            },
          },
        ],
      },
    ],
  };
}
