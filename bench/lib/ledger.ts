// Counts replies against updates, person by person: every update sent should be answered by
// the number of messages calibration saw for it (one for most), neither fewer nor more.
import { STEPS, type Channel, type Person } from './updates.js';

/** Messages each step of each script is answered with, per channel: [script][step]. */
export type Expectations = Partial<Record<Channel, number[][]>>;

interface Record_ {
  person: Person;
  /** When each step was due to be sent (ms, performance.now()). */
  sentAt: number[];
  received: number;
  /** Steps whose replies are all in. */
  done: number;
}

export interface LedgerSummary {
  updates: number;
  people: number;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  /** Replies to addresses no update was sent from. */
  strays: number;
  /** Lost messages by channel and the kind of the first step left unanswered, e.g. { 'whatsapp offer': 2 }. */
  lostAt: Record<string, number>;
  /** Time from an update being due to the last message of its answer arriving. */
  replyMs: number[];
  lastReplyAt: number;
}

export class Ledger {
  private people = new Map<string, Record_>();
  private updates = 0;
  private expectedTotal = 0;
  private receivedTotal = 0;
  private strays = 0;
  private replyMs: number[] = [];
  private lastReplyAt = 0;
  /** answerCallbackQuery calls (Telegram) and read receipts (WhatsApp), counted apart. */
  readonly side = { answerCallbackQuery: 0, reads: 0 };

  constructor(private readonly expectations: Expectations = {}) {}

  private expectedFor(person: Person, step: number): number {
    return this.expectations[person.channel]?.[person.script.id]?.[step] ?? 1;
  }

  /** An update was (about to be) written to the socket at `at`. */
  sent(person: Person, step: number, at = performance.now()): void {
    const key = `${person.channel}:${person.address}`;
    let r = this.people.get(key);
    if (!r) {
      r = { person, sentAt: [], received: 0, done: 0 };
      this.people.set(key, r);
    }
    r.sentAt[step] = at;
    this.updates++;
    this.expectedTotal += this.expectedFor(person, step);
    this.advance(r, performance.now());
  }

  /** A message reached the fake API for this address. */
  reply(channel: Channel, address: string, at = performance.now()): void {
    this.receivedTotal++;
    this.lastReplyAt = at;
    const r = this.people.get(`${channel}:${address}`);
    if (!r) {
      this.strays++;
      return;
    }
    r.received++;
    this.advance(r, at);
  }

  /** Marks steps complete once all of their messages (and all earlier steps') are in. */
  private advance(r: Record_, at: number): void {
    for (;;) {
      const step = r.done;
      if (step >= STEPS || r.sentAt[step] === undefined) return;
      let needed = 0;
      for (let s = 0; s <= step; s++) needed += this.expectedFor(r.person, s);
      if (r.received < needed) return;
      this.replyMs.push(at - r.sentAt[step]!);
      r.done++;
    }
  }

  /** Reply latencies so far, in the order answers completed (read-only view). */
  get latencies(): readonly number[] {
    return this.replyMs;
  }

  /** Messages that reached one address so far. */
  receivedBy(channel: Channel, address: string): number {
    return this.people.get(`${channel}:${address}`)?.received ?? 0;
  }

  get expected(): number {
    return this.expectedTotal;
  }

  get received(): number {
    return this.receivedTotal;
  }

  get sentCount(): number {
    return this.updates;
  }

  summary(): LedgerSummary {
    let lost = 0;
    let duplicated = 0;
    const lostAt: Record<string, number> = {};
    for (const r of this.people.values()) {
      let expected = 0;
      r.sentAt.forEach((t, step) => t !== undefined && (expected += this.expectedFor(r.person, step)));
      if (r.received < expected) {
        lost += expected - r.received;
        const key = `${r.person.channel} ${r.person.script.steps[r.person.channel][r.done]?.kind ?? '?'}`;
        lostAt[key] = (lostAt[key] ?? 0) + expected - r.received;
      } else duplicated += r.received - expected;
    }
    return {
      updates: this.updates,
      people: this.people.size,
      expected: this.expectedTotal,
      received: this.receivedTotal,
      lost,
      duplicated: duplicated + this.strays,
      strays: this.strays,
      lostAt,
      replyMs: this.replyMs,
      lastReplyAt: this.lastReplyAt,
    };
  }
}

/** Percentile of unsorted samples (nearest rank); NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
