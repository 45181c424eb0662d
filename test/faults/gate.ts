import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP pass-through on 127.0.0.1 in front of a fake platform API that can be closed like a
 * gate: while closed, requests are held unanswered and never reach the fake, as if the network
 * between Faro and the platform had stalled. `passed` lists what went through, with the phase
 * (e.g. which Faro process) it went through in.
 */
export class Gate {
  private server: Server;
  private held: ServerResponse[] = [];
  private closed = false;
  phase = 'first';
  readonly passed: { phase: string; method: string; path: string; body: string }[] = [];
  url = '';

  constructor(private readonly target: string) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** From now on requests hang; nothing reaches the fake. */
  close(): void {
    this.closed = true;
  }

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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) {
      this.held.push(res);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (this.closed) {
        this.held.push(res);
        return;
      }
      const phase = this.phase;
      const target = new URL(req.url ?? '/', this.target);
      const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        this.passed.push({ phase, method: req.method ?? '', path: req.url ?? '', body: body.toString('utf8') });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  }
}
