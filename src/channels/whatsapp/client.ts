import type { Logger } from 'pino';
import { errorForLog } from '../../log-safe.js';
import { download, TooLargeError } from '../../ocr/download.js';
import type { GraphMessage } from './render.js';
import { withDeadline } from '../../deadline.js';

// Graph error codes that mean "slow down" even when the HTTP status is 400: throughput
// (130429), pair rate to one person (131056), app-level call limits (4, 80007).
const THROTTLED = new Set([4, 80007, 130429, 131056]);
const RE_ENGAGEMENT = 131047;

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** First backoff; doubled each attempt, plus up to as much again of jitter. */
  baseDelayMs?: number;
  /** No wait is longer than this, Retry-After included. */
  maxDelayMs?: number;
  /** Per request. */
  timeoutMs?: number;
}

export interface GraphClientOptions extends RetryOptions {
  apiBase: string;
  phoneNumberId: string;
  token: string;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Told of each message that could not be sent after retries, for metrics. */
  onSendFailure?: () => void;
}

/** A request the Cloud API refused, or that never got an answer. Holds codes only, never what was sent. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  constructor(
    /** HTTP status; 0 when there was no answer (network error or timeout). */
    readonly status: number,
    /** Graph's error.code, e.g. 131047; see https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes */
    readonly code: number | undefined,
    readonly attempts: number,
    reason: string,
  ) {
    super(
      `WhatsApp Cloud API ${reason} after ${attempts} attempt(s)` +
        (status ? `: HTTP ${status}${code !== undefined ? `, Graph error ${code}` : ''}. ` : '. ') +
        hint(status, code),
    );
  }
}

function hint(status: number, code: number | undefined): string {
  if (code === RE_ENGAGEMENT) return 'The 24-hour window to answer this person has closed.';
  if (status === 401 || code === 190) return 'Check WHATSAPP_TOKEN: it is invalid or has expired.';
  if (status === 0) return 'Check that the server can reach WHATSAPP_API_BASE.';
  return 'Look the error code up in Meta\'s Cloud API error codes.';
}

export type SendOutcome = 'sent' | 'window_closed';

export interface SendOptions {
  /** Epoch ms after which sending is refused (the customer-service window); checked before every attempt. */
  notAfter?: number;
}

export interface GraphClient {
  /**
   * Sends one message to `to`, retrying on 429, 5xx, throttling codes and network errors.
   * Resolves 'window_closed' without calling the API once `notAfter` has passed.
   * @throws GraphApiError when the message could not be sent.
   */
  send(to: string, message: GraphMessage, options?: SendOptions): Promise<SendOutcome>;
  /** Marks a received message read (blue ticks). One attempt; failures are logged at warn, never thrown. */
  markRead(messageId: string): Promise<void>;
  /**
   * Downloads a received picture into memory: GET {apiBase}/{mediaId} for its short-lived URL,
   * then GET that URL with the same Bearer token, as Meta documents.
   * @throws TooLargeError past `maxBytes`; Error when either request fails.
   */
  media(mediaId: string, maxBytes: number): Promise<Buffer>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds, or an HTTP date, as milliseconds to wait; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function graphErrorCode(res: Response): Promise<number | undefined> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown } };
    return typeof body?.error?.code === 'number' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Cloud API sender: POST {apiBase}/{phoneNumberId}/messages with the Bearer token.
 *
 * @example
 * const client = createGraphClient({ apiBase: 'https://graph.facebook.com/v23.0', phoneNumberId, token, log });
 * await client.send('5215512345678', { type: 'text', text: { body: 'Hola', preview_url: false } });
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelay = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = `${options.apiBase.replace(/\/+$/, '')}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  const log = options.log;

  /** One POST to /messages and the reading of its answer, within timeoutMs. */
  function post(body: Record<string, unknown>): Promise<Answer> {
    return withDeadline(timeoutMs, async (signal) => {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', ...body }),
        signal,
      });
      if (res.ok) {
        await res.body?.cancel().catch(() => {});
        return { ok: true, status: res.status };
      }
      return { ok: false, status: res.status, code: await graphErrorCode(res), retryAfter: res.headers.get('retry-after') };
    });
  }

  function backoff(attempt: number): number {
    const exp = baseDelay * 2 ** (attempt - 1);
    return Math.min(maxDelay, exp + Math.random() * exp);
  }

  return {
    async send(to, message, sendOptions = {}) {
      for (let attempt = 1; ; attempt++) {
        if (sendOptions.notAfter !== undefined && now() > sendOptions.notAfter) {
          // Outside the window only templates may be sent, and Faro never starts a conversation.
          log.warn({ channel: 'whatsapp', type: message.type, attempt }, 'reply not sent: the 24-hour window has closed');
          return 'window_closed';
        }
        let failure: GraphApiError;
        let retryable = true;
        let wait: number | undefined;
        try {
          const res = await post({ recipient_type: 'individual', to, ...message });
          if (res.ok) return 'sent';
          const { code } = res;
          retryable = res.status === 429 || res.status >= 500 || (code !== undefined && THROTTLED.has(code));
          failure = new GraphApiError(res.status, code, attempt, retryable ? 'was busy' : 'refused the message');
          wait = retryAfterMs(res.retryAfter ?? null, now());
        } catch (e) {
          const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
          failure = new GraphApiError(0, undefined, attempt, timedOut ? `did not answer within ${timeoutMs} ms` : 'could not be reached');
        }
        if (!retryable || attempt >= maxAttempts) {
          // Codes only: the request body quotes the person and the address is their phone number.
          log.error({ err: errorForLog(failure), channel: 'whatsapp', type: message.type }, 'whatsapp send failed');
          options.onSendFailure?.();
          throw failure;
        }
        const delay = Math.min(maxDelay, wait ?? backoff(attempt));
        log.warn({ channel: 'whatsapp', status: failure.status, code: failure.code, attempt, delayMs: Math.round(delay) }, 'whatsapp send retried');
        await sleep(delay);
      }
    },

    async media(mediaId, maxBytes) {
      const auth = { authorization: `Bearer ${options.token}` };
      const { res, meta } = await withDeadline(timeoutMs, async (signal) => {
        const res = await doFetch(`${options.apiBase.replace(/\/+$/, '')}/${encodeURIComponent(mediaId)}`, { headers: auth, signal });
        if (!res.ok) throw new GraphApiError(res.status, await graphErrorCode(res), 1, 'refused the media request');
        return { res, meta: (await res.json()) as { url?: unknown; file_size?: unknown } };
      });
      if (typeof meta.url !== 'string' || !/^https?:\/\//.test(meta.url)) throw new GraphApiError(res.status, undefined, 1, 'gave no media URL');
      if (typeof meta.file_size === 'number' && meta.file_size > maxBytes) throw new TooLargeError(`the picture is ${meta.file_size} bytes`);
      return download(meta.url, { maxBytes, headers: auth, fetch: doFetch, timeoutMs: Math.max(timeoutMs, 15_000) });
    },

    async markRead(messageId) {
      try {
        const res = await post({ status: 'read', message_id: messageId });
        if (res.ok) return;
        log.warn({ channel: 'whatsapp', status: res.status, code: res.code }, 'could not mark a message read');
      } catch (e) {
        log.warn({ err: errorForLog(e), channel: 'whatsapp' }, 'could not mark a message read');
      }
    },
  };
}

interface Answer {
  ok: boolean;
  status: number;
  code?: number | undefined;
  retryAfter?: string | null;
}
