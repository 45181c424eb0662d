// Calibration (how many messages answer each step), waiting for replies to drain, RSS sampling.
import type { Fakes } from './fakes.js';
import { Ledger, type Expectations } from './ledger.js';
import type { ServerProcess, ServerSample } from './server.js';
import { SCRIPTS, STEPS, newPerson, requestFor, type Channel, type StepKind } from './updates.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function post(port: number, r: { path: string; headers: Record<string, string>; body: string }): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
  await res.arrayBuffer();
  return res.status;
}

export interface Calibration {
  expectations: number[][];
  /** Messages per answer, by kind of step: e.g. { offer: [1, 2] } (min, max). */
  byKind: Partial<Record<StepKind, [number, number]>>;
  problems: string[];
}

/**
 * Sends every script once, one step at a time, with a fresh person each, and counts the
 * messages each step is answered with once the fake API has been quiet for `quietMs` (0 where
 * the webhook only answers after sending, as Telegram's does). Doubles as a first warm-up.
 */
export async function calibrate(port: number, channel: Channel, fakes: Fakes, quietMs = 300): Promise<Calibration> {
  // Calibrations side by side (each with its own people) share one ledger on the fakes.
  const entry = calibrating.get(fakes) ?? { ledger: new Ledger(), users: 0 };
  entry.users++;
  calibrating.set(fakes, entry);
  fakes.use(entry.ledger);
  try {
    return await calibrateWith(port, channel, entry.ledger, quietMs);
  } finally {
    if (--entry.users === 0) {
      calibrating.delete(fakes);
      fakes.use(undefined);
    }
  }
}

const calibrating = new Map<Fakes, { ledger: Ledger; users: number }>();

async function calibrateWith(port: number, channel: Channel, ledger: Ledger, quietMs: number): Promise<Calibration> {
  const problems: string[] = [];
  const expectations = await Promise.all(
    SCRIPTS.map(async (script) => {
      const person = newPerson(channel, script);
      const counts: number[] = [];
      let before = 0;
      for (let step = 0; step < STEPS; step++) {
        ledger.sent(person, step);
        const status = await post(port, requestFor(person, script.steps[channel][step]!));
        if (status !== 200) problems.push(`script ${script.id} step ${step}: HTTP ${status}`);
        const end = Date.now() + 5000;
        let seen = ledger.receivedBy(channel, person.address);
        let quietSince = Date.now();
        while (Date.now() < end) {
          await sleep(10);
          const now = ledger.receivedBy(channel, person.address);
          if (now !== seen) {
            seen = now;
            quietSince = Date.now();
          } else if (now > before && Date.now() - quietSince >= quietMs) break;
        }
        counts.push(seen - before);
        if (seen === before) problems.push(`script ${script.id} (${script.lang}) step ${step} (${script.steps[channel][step]!.kind}): no reply`);
        before = seen;
      }
      return counts;
    }),
  );
  const byKind: Calibration['byKind'] = {};
  SCRIPTS.forEach((script, i) =>
    script.steps[channel].forEach((step, s) => {
      const n = expectations[i]![s]!;
      const [lo, hi] = byKind[step.kind] ?? [n, n];
      byKind[step.kind] = [Math.min(lo, n), Math.max(hi, n)];
    }),
  );
  return { expectations, byKind, problems };
}

export function expectationsFor(channel: Channel, calibration: Calibration): Expectations {
  return { [channel]: calibration.expectations };
}

/** Waits until every expected message is in, or nothing has arrived for `stallMs`, or `maxMs` passed. */
export async function drain(ledger: Ledger, stallMs = 5000, maxMs = 120_000): Promise<{ drained: boolean; waitedMs: number }> {
  const started = Date.now();
  let last = ledger.received;
  let lastChange = Date.now();
  while (Date.now() - started < maxMs) {
    if (ledger.received >= ledger.expected) {
      // Anything more would be a duplicate: give it a moment to show up.
      await sleep(200);
      return { drained: true, waitedMs: Date.now() - started };
    }
    await sleep(20);
    if (ledger.received !== last) {
      last = ledger.received;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) break;
  }
  return { drained: false, waitedMs: Date.now() - started };
}

/** Samples the server every `everyMs` while a phase runs, keeping the largest RSS. */
export function sampler(server: ServerProcess, everyMs = 500) {
  let maxRss = 0;
  let last: ServerSample | undefined;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void server
      .sample()
      .then((s) => {
        maxRss = Math.max(maxRss, s.rss);
        last = s;
      })
      .catch(() => {})
      .finally(() => (busy = false));
  }, everyMs);
  return {
    get maxRss() {
      return maxRss;
    },
    get last() {
      return last;
    },
    stop: () => clearInterval(timer),
  };
}

export const mb = (bytes: number) => bytes / 1024 / 1024;
