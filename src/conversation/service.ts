import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CounterEvent, Store } from '../store/index.js';
import { LANGUAGES, type Language } from '../content/schemas.js';
import { reply, text } from './deps.js';
import type { ConversationDeps } from './deps.js';
import { emptySession, languageFromHint, respond, wantsCheck } from './respond.js';
import type { Inbound, Reply, Session, Turn } from './types.js';
import { errorForLog } from '../log-safe.js';

/** Delivers replies to the person through their channel; the address lives only in this closure. */
export type Send = (replies: Reply[]) => Promise<void>;

export interface ServiceOptions {
  conversation: ConversationDeps;
  store: Store;
  log: Logger;
  /** Texts from one person closer together than this are checked as one offer. 0 turns merging off. */
  mergeWindowMs: number;
  /** A burst of forwards is still cut after this long. */
  mergeMaxMs?: number;
  /** Messages one person may send per minute before getting a polite "please wait". */
  ratePerMinute: number;
  now?: () => number;
  /** Told of every finished turn, for metrics. */
  onTurn?: (inbound: Inbound, turn: Turn, ms: number) => void;
  /** Told when replies could not be delivered (the channel already retried), for metrics. */
  onSendFailure?: (channel: Inbound['channel']) => void;
  /**
   * This process's id in update claims: an update begun by another boot and never finished was
   * being answered by a process that died, so its redelivery is answered again. Default: random.
   */
  boot?: string;
  /** Anonymous counters are added up in memory and written this often (and on drain). Default 1000. */
  countFlushMs?: number;
}

export interface ReceiveOptions {
  /** false: answer this text now, e.g. on the web chat, where one request waits for its replies. */
  merge?: boolean;
}

export interface ConversationService {
  /**
   * Accepts one inbound event; resolves once it is answered (for a text merged with others: once
   * the merged answer is sent). A channel acknowledges the platform only then, so an update lost
   * in a crash is redelivered, and its claim (begun, not finished) lets the next process answer it.
   */
  receive(inbound: Inbound, send: Send, options?: ReceiveOptions): Promise<void>;
  /** Handles every pending merge now and waits for all work in flight, e.g. before shutdown. */
  drain(): Promise<void>;
}

interface Claim {
  channel: string;
  updateId: string;
}

interface Pending {
  texts: string[];
  first: Inbound;
  send: Send;
  startedAt: number;
  timer: NodeJS.Timeout;
  claims: Claim[];
  /** Resolves once the merged answer is sent: every text's receive() waits for it. */
  done: Promise<void>;
  resolve: () => void;
}

/**
 * Runs the pure conversation against the store: dedupes redeliveries, rate-limits, merges
 * bursts, loads and saves the session, counts anonymously and sends the replies.
 */
export function createConversationService(options: ServiceOptions): ConversationService {
  const { store, log, conversation } = options;
  const now = options.now ?? Date.now;
  const mergeMax = options.mergeMaxMs ?? options.mergeWindowMs * 4;
  const pending = new Map<string, Pending>();
  // One person's turns run one at a time, so two quick taps never race on the session.
  const queues = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const rate = new Map<string, { windowStart: number; count: number; warned: boolean }>();
  const boot = options.boot ?? randomUUID();
  const counts = createCountBuffer(store, log, options.countFlushMs ?? 1000, now);

  async function finish(claims: Claim[]): Promise<void> {
    // A claim left unfinished only means a redelivery would be answered again after a restart.
    await store.finishUpdates(claims).catch((e: unknown) => log.error({ err: errorForLog(e) }, 'could not mark updates answered'));
  }

  function enqueue(key: string, job: () => Promise<void>): Promise<void> {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(job, job).catch(() => {});
    queues.set(key, next);
    inFlight.add(next);
    void next.finally(() => {
      inFlight.delete(next);
      if (queues.get(key) === next) queues.delete(key);
    });
    return next;
  }

  async function run(inbound: Inbound, send: Send, claims: Claim[]): Promise<void> {
    try {
      await answer(inbound, send);
    } finally {
      await finish(claims);
    }
  }

  async function answer(inbound: Inbound, send: Send): Promise<void> {
    const started = now();
    let session: Session | undefined;
    try {
      const stored = await store.getSession(inbound.userKey);
      session = stored ? toSession(stored) : undefined;
      const result = respond(conversation, session, inbound);
      if (result.session === null) await store.forgetUser(inbound.userKey);
      else await store.putSession({ key: inbound.userKey, ...result.session, state: { ...result.session.state } });
      const who = result.session ?? session ?? emptySession();
      counts.add(result.events.map((e) => ({ channel: inbound.channel, partner: who.partner, language: who.language, metric: e.metric, value: e.value })));
      try {
        await send(result.replies);
      } catch (e) {
        // Delivery failed after the channel's own retries: nothing more to send to this person.
        log.error({ err: errorForLog(e), channel: inbound.channel }, 'could not deliver the replies');
        options.onSendFailure?.(inbound.channel);
        return;
      }
      options.onTurn?.(inbound, result, now() - started);
    } catch (e) {
      // Never log the person's text: only what failed.
      log.error({ err: errorForLog(e), channel: inbound.channel, action: inbound.action?.kind }, 'turn failed');
      const lang = session?.language ?? languageFromHint(inbound.localeHint) ?? 'en';
      await send([errorReply(conversation, lang as Language)]).catch((err: unknown) => log.error({ err: errorForLog(err) }, 'could not send the error reply'));
    }
  }

  function flush(key: string): Promise<void> {
    const p = pending.get(key);
    if (!p) return queues.get(key) ?? Promise.resolve();
    pending.delete(key);
    clearTimeout(p.timer);
    const merged: Inbound = { ...p.first, text: p.texts.join('\n'), merged: p.texts.length };
    const done = enqueue(key, () => run(merged, p.send, p.claims));
    void done.then(p.resolve);
    return done;
  }

  function limited(key: string): 'ok' | 'warn' | 'drop' {
    const t = now();
    const r = rate.get(key);
    if (!r || t - r.windowStart >= 60_000) {
      rate.set(key, { windowStart: t, count: 1, warned: false });
      if (rate.size > 50_000) for (const [k, v] of rate) if (t - v.windowStart >= 60_000) rate.delete(k);
      return 'ok';
    }
    r.count++;
    if (r.count <= options.ratePerMinute) return 'ok';
    if (r.warned) return 'drop';
    r.warned = true;
    return 'warn';
  }

  return {
    async receive(inbound, send, receiveOptions = {}) {
      let claims: Claim[] = inbound.updateId ? [{ channel: inbound.channel, updateId: inbound.updateId }] : [];
      if (claims.length > 0) {
        let mine: boolean;
        try {
          mine = await store.beginUpdate(inbound.channel, inbound.updateId!, boot);
        } catch (e) {
          // The database is busy or down: answer anyway (at worst an apology) rather than drop
          // the message; a redelivery may then be answered twice, which is the lesser harm.
          log.error({ err: errorForLog(e), channel: inbound.channel }, 'could not claim an update; answering it unclaimed');
          mine = true;
          claims = [];
        }
        if (!mine) {
          log.debug({ channel: inbound.channel }, 'redelivered update ignored');
          return;
        }
      }
      const key = inbound.userKey;
      const verdict = limited(key);
      if (verdict !== 'ok') {
        if (verdict === 'warn') {
          const lang = ((await store.getSession(key).catch(() => undefined))?.language ?? languageFromHint(inbound.localeHint) ?? 'en') as Language;
          await send([reply(ctxFor(conversation, lang), [text(conversation.i18n.t(lang)('rate.limited'))])]).catch(() => {});
        }
        await finish(claims);
        return;
      }
      const p = pending.get(key);
      const mergeable = options.mergeWindowMs > 0 && receiveOptions.merge !== false && !inbound.action && !inbound.media && !!inbound.text?.trim();
      if (mergeable && (p || wantsCheck(conversation, inbound.text!))) {
        if (p) {
          p.texts.push(inbound.text!);
          p.claims.push(...claims);
          p.send = send;
          clearTimeout(p.timer);
          const wait = Math.max(0, Math.min(options.mergeWindowMs, p.startedAt + mergeMax - now()));
          p.timer = setTimeout(() => void flush(key), wait);
          return p.done;
        }
        let resolve!: () => void;
        const done = new Promise<void>((r) => (resolve = r));
        const timer = setTimeout(() => void flush(key), options.mergeWindowMs);
        pending.set(key, { texts: [inbound.text!], first: inbound, send, startedAt: now(), timer, claims: [...claims], done, resolve });
        return done;
      }
      // A button press after a burst: answer the burst first, in order.
      if (p) void flush(key);
      await enqueue(key, () => run(inbound, send, claims));
    },
    async drain() {
      for (const key of [...pending.keys()]) void flush(key);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await counts.flush();
    },
  };
}

/** Adds anonymous counters up in memory and writes them in one transaction every `everyMs`. */
function createCountBuffer(store: Store, log: Logger, everyMs: number, now: () => number) {
  const buffered = new Map<string, CounterEvent & { n: number }>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function add(events: CounterEvent[]): void {
    const day = new Date(now()).toISOString().slice(0, 10);
    for (const e of events) {
      const row = { ...e, day: e.day ?? day, n: e.n ?? 1 };
      const key = JSON.stringify([row.day, row.channel, row.partner, row.language, row.metric, row.value]);
      const known = buffered.get(key);
      if (known) known.n += row.n;
      else buffered.set(key, row);
    }
    if (buffered.size > 0 && !timer) {
      timer = setTimeout(() => void flush(), everyMs);
      timer.unref();
    }
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (buffered.size === 0) return writing;
    const batch = [...buffered.values()];
    buffered.clear();
    writing = writing.then(() =>
      store.count(batch).catch((e: unknown) => {
        // Kept for the next write: a busy or briefly failing database loses no counts.
        log.error({ err: errorForLog(e) }, 'could not write counters; will retry');
        add(batch);
      }),
    );
    return writing;
  }

  return { add, flush };
}

function toSession(s: { language: string | null; country: string | null; area: string | null; partner: string | null; state: Record<string, unknown> }): Session {
  const language = (LANGUAGES as readonly string[]).includes(s.language ?? '') ? (s.language as Language) : null;
  return { language, country: s.country, area: s.area, partner: s.partner, state: s.state as Session['state'] };
}

function ctxFor(conversation: ConversationDeps, lang: Language) {
  return { lang, t: conversation.i18n.t(lang), deps: conversation } as Parameters<typeof reply>[0];
}

function errorReply(conversation: ConversationDeps, lang: Language): Reply {
  return reply(ctxFor(conversation, lang), [text(conversation.i18n.t(lang)('error.generic'))]);
}
