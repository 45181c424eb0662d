// The two ways updates are sent. `paced`: open loop, one update every 1/rate s on a keep-alive
// pool of `connections` sockets (Telegram's default max_connections is 40), latency timed from
// when each update was due, so a slow server cannot hide its queue. `cannon`: autocannon,
// closed loop, as fast as the server answers (or its overallRate, which sends each connection's
// share of a second in a burst at the start of that second).
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import type { Ledger } from './ledger.js';
import { requestFor, type Traffic, type WebhookRequest } from './updates.js';

const MAX_ATTEMPTS = 3;

export interface SendResult {
  tool: string;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Deliveries posted again after a transport error or a 5xx (paced only). */
  retries: number;
  /** Why attempts failed, e.g. { ECONNRESET: 2 }, retried or not. */
  failures: Record<string, number>;
  /** Requests answered per second over the sending time. */
  requestsPerSecond: number;
  httpP50: number;
  httpP99: number;
  startedAt: number;
  durationMs: number;
}

export interface SendOptions {
  port: number;
  seconds: number;
  connections: number;
  traffic: Traffic;
  ledger: Ledger;
}

function nextRequest(traffic: Traffic, ledger: Ledger, due: number) {
  const planned = traffic.next();
  ledger.sent(planned.person, planned.step, due);
  return requestFor(planned.person, planned.person.script.steps[planned.person.channel][planned.step]!);
}

/** Open-loop sending at `rate` updates per second. */
export async function paced(options: SendOptions & { rate: number }): Promise<SendResult> {
  const { port, rate, seconds, connections, traffic, ledger } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const httpMs: number[] = [];
  const result = { ok: 0, non2xx: 0, errors: 0, timeouts: 0, retries: 0 };
  const failures: Record<string, number> = {};
  let pending = 0;
  let lastAnswer = 0;
  let allSent = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const settle = () => {
    pending--;
    if (allSent && pending === 0) finish();
  };

  // As Telegram and Meta do, a delivery that failed (no answer, or a 5xx) is posted again, the
  // same update with the same id: the server must answer it once, whichever attempt got through.
  const attempt = (r: WebhookRequest, due: number, n: number) => {
    let timedOut = false;
    const retry = (why: string) => {
      failures[why] = (failures[why] ?? 0) + 1;
      result.retries++;
      setTimeout(() => attempt(r, due, n + 1), 500 * n);
    };
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: r.path, agent, timeout: 10_000, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 500 && n < MAX_ATTEMPTS) return retry(`HTTP ${status}`);
          lastAnswer = performance.now();
          httpMs.push(lastAnswer - due);
          if (status >= 200 && status < 300) result.ok++;
          else result.non2xx++;
          settle();
        });
      },
    );
    req.on('timeout', () => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = timedOut ? 'timeout' : (err.code ?? err.message);
      if (n < MAX_ATTEMPTS) return retry(why);
      failures[why] = (failures[why] ?? 0) + 1;
      if (timedOut) result.timeouts++;
      else result.errors++;
      settle();
    });
    req.end(r.body);
  };
  const fire = (due: number) => {
    pending++;
    attempt(nextRequest(traffic, ledger, due), due, 1);
  };

  const startedAt = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (i < total && startedAt + i * interval <= now) fire(startedAt + interval * i++);
      if (i >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const durationMs = performance.now() - startedAt;
  allSent = true;
  if (pending > 0) await finished;
  agent.destroy();
  const sorted = Float64Array.from(httpMs).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return {
    tool: `paced ${rate}/s`,
    sent: total,
    ...result,
    failures,
    // Over the time until the last answer: a server that falls behind answers slower than `rate`.
    requestsPerSecond: (result.ok + result.non2xx) / (Math.max(durationMs, lastAnswer - startedAt) / 1000),
    httpP50: at(50),
    httpP99: at(99),
    startedAt,
    durationMs,
  };
}

/**
 * autocannon for `seconds`, or until `maxRequests` were sent, every request a new update. The
 * cap keeps an ack-first webhook (WhatsApp) from piling up more than a drain can clear quickly.
 */
export async function cannon(options: SendOptions & { overallRate?: number; maxRequests?: number }): Promise<SendResult> {
  const { port, seconds, connections, traffic, ledger } = options;
  let sent = 0;
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration: seconds,
        ...(options.overallRate ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true } : {}),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              if (++sent === options.maxRequests) setImmediate(() => instance.stop());
              const r = nextRequest(traffic, ledger, performance.now());
              return { ...req, path: r.path, headers: r.headers, body: r.body };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  const durationMs = performance.now() - startedAt;
  const answered = result['2xx'] + result.non2xx;
  return {
    tool: options.overallRate ? `autocannon overallRate ${options.overallRate}/s` : `autocannon, ${connections} connections`,
    sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    retries: 0,
    failures: {},
    requestsPerSecond: answered / (result.duration || durationMs / 1000),
    httpP50: result.latency.p50,
    httpP99: result.latency.p99,
    startedAt,
    durationMs,
  };
}
