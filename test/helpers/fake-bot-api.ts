import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/**
 * What the fake does to a call instead of answering it OK. `method` targets one method;
 * without it a fault applies to any method except getUpdates (to fail polling, say
 * method: 'getUpdates').
 * - status 429: Telegram's flood-control answer, with parameters.retry_after (seconds).
 * - status 5xx: Telegram's JSON error body, or with html: true the HTML page a gateway in
 *   front of it answers with (grammY cannot parse it: a network-level HttpError).
 * - hang: never answered (grammY's timeoutSeconds gives up); with ms, the socket is
 *   destroyed after that long instead of being held until the client leaves.
 * - reset: the socket is destroyed before any answer.
 */
export type BotApiFault = (
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 | 504; html?: boolean }
  | { hang: true; ms?: number }
  | { reset: true }
) & { method?: string };

/** A call the fake did not answer OK. A hung or reset call is not a sent message. */
export interface FailedCall extends ApiCall {
  fault: BotApiFault;
  at: number;
}

/** Every call in arrival order with what became of it (getUpdates only when it failed). */
export interface Attempt extends ApiCall {
  outcome: 'ok' | 'error' | 'hang' | 'reset';
  at: number;
}

export const BOT_INFO = {
  id: 424242,
  is_bot: true as const,
  first_name: 'Faro',
  username: 'faro_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/**
 * A stand-in for Telegram's Bot API on 127.0.0.1: serves queued updates to getUpdates (honouring
 * offset, holding long polls briefly) and records every other call.
 *
 * Faults (failNext, failAlways) make it answer like a failing Telegram. `calls` and
 * `callsTo` keep meaning "calls answered OK", i.e. messages actually sent; calls the fake
 * failed, held or reset are in `failed`, and `attempts` lists both in arrival order.
 */
export class FakeBotApi {
  /** Calls answered OK (getUpdates not included): what Telegram accepted. */
  readonly calls: ApiCall[] = [];
  /** Calls answered with an error, reset, or never answered (getUpdates included). */
  readonly failed: FailedCall[] = [];
  /** Every non-getUpdates call, and every failed getUpdates, in arrival order. */
  readonly attempts: Attempt[] = [];
  /** getUpdates calls answered OK. */
  polls = 0;
  /** The offset of every getUpdates call, in order (undefined when none was given). */
  readonly offsets: (number | undefined)[] = [];
  private faults: BotApiFault[] = [];
  private always: BotApiFault | undefined;
  private updates: Update[] = [];
  /** Served once whatever the offset: what Telegram does when a confirmation was lost. */
  private redeliveries: Update[] = [];
  private waiting: Array<() => void> = [];
  private server: Server;
  private messageId = 1;
  /** How many updates getUpdates has handed out. */
  served = 0;
  /** Files getFile knows, by file_id; `downloads` lists the paths fetched from /file/bot<token>/. */
  private files = new Map<string, { path: string; bytes: Buffer }>();
  readonly downloads: string[] = [];
  apiRoot = '';

  constructor(readonly token = '123456:TEST-token-for-the-fake-bot-api-00') {
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/file/')) {
        this.serveFile(req.url, res);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = (req.url ?? '').split('/').pop() ?? '';
        const body = Buffer.concat(chunks).toString('utf8');
        const payload = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        const fault = this.faultFor(method);
        if (fault) {
          this.applyFault(fault, method, payload, req, res);
          return;
        }
        if (method !== 'getUpdates') this.attempts.push({ method, payload, outcome: 'ok', at: Date.now() });
        void this.answer(method, payload).then((result) => {
          if (method === 'getUpdates') this.polls++;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ ok: true, result }));
        });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.waiting) w();
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  /** Queues an update for the next getUpdates, as Telegram would deliver it. */
  push(update: Update): void {
    this.updates.push(update);
    for (const w of this.waiting.splice(0)) w();
  }

  /** Delivers an update again even though the bot already confirmed it. */
  redeliver(update: Update): void {
    this.redeliveries.push(update);
    for (const w of this.waiting.splice(0)) w();
  }

  /** Makes a file downloadable as Telegram does: getFile gives its path, then GET /file/bot<token>/<path>. */
  addFile(fileId: string, bytes: Buffer, ext = 'png'): void {
    this.files.set(fileId, { path: `photos/file_${this.files.size}.${ext}`, bytes });
  }

  private serveFile(url: string, res: import('node:http').ServerResponse): void {
    const prefix = `/file/bot${this.token}/`;
    const path = url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length)) : undefined;
    const file = [...this.files.values()].find((f) => f.path === path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    this.downloads.push(file.path);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes.length) }).end(file.bytes);
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The next calls a fault applies to get these faults, in order (see BotApiFault). */
  failNext(...faults: BotApiFault[]): void {
    this.faults.push(...faults);
  }

  /** Every call the fault applies to gets it, once failNext's faults are used up, until heal(). */
  failAlways(fault: BotApiFault): void {
    this.always = fault;
  }

  /** Forgets every fault not yet used: Telegram answers normally again. */
  heal(): void {
    this.faults = [];
    this.always = undefined;
  }

  /** Faults queued by failNext and not yet used. */
  get pendingFaults(): number {
    return this.faults.length;
  }

  failedTo(method: string): FailedCall[] {
    return this.failed.filter((c) => c.method === method);
  }

  private faultFor(method: string): BotApiFault | undefined {
    const applies = (f: BotApiFault) => (f.method === undefined ? method !== 'getUpdates' : f.method === method);
    const i = this.faults.findIndex(applies);
    if (i >= 0) return this.faults.splice(i, 1)[0];
    return this.always && applies(this.always) ? this.always : undefined;
  }

  private applyFault(fault: BotApiFault, method: string, payload: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): void {
    const at = Date.now();
    this.failed.push({ method, payload, fault, at });
    const outcome = 'hang' in fault ? 'hang' : 'reset' in fault ? 'reset' : 'error';
    this.attempts.push({ method, payload, outcome, at });
    if ('reset' in fault) {
      req.socket.destroy();
      return;
    }
    if ('hang' in fault) {
      // Held: no answer ever comes. Destroyed after `ms` if given; stop() closes it otherwise.
      if (fault.ms !== undefined) setTimeout(() => req.socket.destroy(), fault.ms).unref();
      return;
    }
    if (fault.status === 429) {
      const body = { ok: false, error_code: 429, description: `Too Many Requests: retry after ${fault.retryAfter}`, parameters: { retry_after: fault.retryAfter } };
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if ('html' in fault && fault.html) {
      const title = `${fault.status} ${fault.status === 502 ? 'Bad Gateway' : fault.status === 504 ? 'Gateway Time-out' : 'Error'}`;
      res.writeHead(fault.status, { 'content-type': 'text/html' }).end(`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`);
      return;
    }
    const description = fault.status === 500 ? 'Internal Server Error' : fault.status === 502 ? 'Bad Gateway' : fault.status === 503 ? 'Service Unavailable' : 'Gateway Timeout';
    res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: fault.status, description }));
  }

  /** Waits until `predicate` holds for the recorded calls. */
  async until(predicate: (calls: ApiCall[]) => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate(this.calls)) {
      if (Date.now() > end) throw new Error(`timed out; calls so far: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async answer(method: string, payload: Record<string, unknown>): Promise<unknown> {
    if (method === 'getUpdates') {
      this.offsets.push(payload.offset === undefined ? undefined : Number(payload.offset));
      const offset = Number(payload.offset ?? 0);
      this.updates = this.updates.filter((u) => u.update_id >= offset);
      if (this.updates.length === 0 && this.redeliveries.length === 0 && Number(payload.timeout ?? 0) > 0) {
        await new Promise<void>((resolve) => {
          this.waiting.push(resolve);
          setTimeout(resolve, 300);
        });
      }
      const out = [...this.redeliveries.splice(0), ...this.updates.filter((u) => u.update_id >= offset)];
      this.served += out.length;
      return out;
    }
    this.calls.push({ method, payload });
    switch (method) {
      case 'getMe':
        return BOT_INFO;
      case 'getFile': {
        const file = this.files.get(String(payload.file_id));
        return file
          ? { file_id: payload.file_id, file_unique_id: `u-${String(payload.file_id)}`, file_size: file.bytes.length, file_path: file.path }
          : { file_id: payload.file_id, file_unique_id: 'missing' };
      }
      case 'sendMessage':
        return { message_id: this.messageId++, date: Math.floor(Date.now() / 1000), chat: { id: payload.chat_id, type: 'private' }, text: payload.text };
      default:
        return true;
    }
  }
}

let nextUpdate = 1000;
const user = (id: number, language_code: string) => ({ id, is_bot: false, first_name: 'Ana', language_code });

/** A private text message from user `from`, as Telegram sends it. */
/** A private message from user `from` in update `update_id`, with the fields of its kind. */
function privateMessage(from: number, update_id: number, language_code: string, fields: Record<string, unknown>): Update {
  return {
    update_id,
    message: { message_id: update_id, date: Math.floor(Date.now() / 1000), chat: { id: from, type: 'private', first_name: 'Ana' }, from: user(from, language_code), ...fields },
  } as Update;
}

export function textUpdate(from: number, text: string, language_code = 'en', update_id = nextUpdate++): Update {
  const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] : undefined;
  return privateMessage(from, update_id, language_code, { text, ...(entities ? { entities } : {}) });
}

export function callbackUpdate(from: number, data: string, language_code = 'en', update_id = nextUpdate++): Update {
  return {
    update_id,
    callback_query: {
      id: `cq${update_id}`,
      from: user(from, language_code),
      chat_instance: 'ci',
      data,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: from, type: 'private', first_name: 'Ana' }, text: 'menu' },
    },
  } as Update;
}

export function photoUpdate(from: number, caption: string | undefined, update_id = nextUpdate++): Update {
  return privateMessage(from, update_id, 'en', { photo: [{ file_id: 'f', file_unique_id: 'u', width: 10, height: 10 }], ...(caption ? { caption } : {}) });
}

export interface PictureOptions {
  caption?: string;
  language_code?: string;
  width?: number;
  height?: number;
  /** Sent "as a file" (a document with this MIME type) instead of as a photo. */
  documentMime?: string;
  /** The file_size Telegram states for the photo's largest size or the document. */
  fileSize?: number;
  /** false: only the one size, no thumbnail. */
  thumb?: boolean;
  update_id?: number;
}

/** A private photo (in Telegram's several sizes, the largest last) or image document whose file is `fileId`. */
export function pictureUpdate(from: number, fileId: string, o: PictureOptions = {}): Update {
  const update_id = o.update_id ?? nextUpdate++;
  const width = o.width ?? 800;
  const height = o.height ?? 600;
  const size = o.fileSize !== undefined ? { file_size: o.fileSize } : {};
  const thumb = { file_id: `${fileId}-thumb`, file_unique_id: `t-${fileId}`, width: Math.round(width / 10), height: Math.round(height / 10), file_size: 900 };
  const media = o.documentMime
    ? { document: { file_id: fileId, file_unique_id: `u-${fileId}`, file_name: 'screenshot', mime_type: o.documentMime, ...size } }
    : { photo: [...(o.thumb === false ? [] : [thumb]), { file_id: fileId, file_unique_id: `u-${fileId}`, width, height, ...size }] };
  return privateMessage(from, update_id, o.language_code ?? 'en', { ...media, ...(o.caption ? { caption: o.caption } : {}) });
}
