// `npm run soak`: 100,000 updates over a few minutes, Telegram and WhatsApp in turn, against the
// real server in its own process. Prints the server's memory every 10 s, then lost and duplicated
// replies and the RSS trend. Exits 1 when a reply was lost or duplicated.
//   SOAK_UPDATES=100000  SOAK_RATE=200  SOAK_MERGE_WINDOW_MS=0  SOAK_LOG_LEVEL=info  SOAK_EVERY_SECONDS=10
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakes } from './lib/fakes.js';
import { Ledger, percentile } from './lib/ledger.js';
import { paced } from './lib/load.js';
import { calibrate, drain, mb } from './lib/measure.js';
import { load, logProblems, machine, n0, n1, n2, pct } from './lib/report.js';
import { spawnServer, type ServerSample } from './lib/server.js';
import { Traffic } from './lib/updates.js';

const UPDATES = Number(process.env.SOAK_UPDATES ?? 100_000);
// Below what Faro answers per second on the two-core development machine with this mix of
// Telegram and WhatsApp (about 290, see docs/PERFORMANCE.md): above it, memory grows with the
// backlog and says nothing about leaks.
const RATE = Number(process.env.SOAK_RATE ?? 200);
const MERGE = Number(process.env.SOAK_MERGE_WINDOW_MS ?? 0);
const LOG_LEVEL = process.env.SOAK_LOG_LEVEL ?? 'info';
const EVERY = Number(process.env.SOAK_EVERY_SECONDS ?? 10);
const CONNECTIONS = 40;
const seconds = UPDATES / RATE;

const workDir = mkdtempSync(join(tmpdir(), 'faro-soak-'));
const logFile = join(workDir, 'faro.log');
console.log(`Faro soak · ${machine()} · load average ${load()}`);
console.log(
  `${n0(UPDATES)} updates at ${RATE}/s (${n1(seconds)} s), Telegram and WhatsApp in turn, open loop on ${CONNECTIONS} keep-alive connections.\n` +
    `Faro in its own process: MERGE_WINDOW_MS=${MERGE}${MERGE === 0 ? ' (every text answered on its own)' : ''}, RATE_LIMIT_PER_MINUTE=30, ` +
    `LOG_LEVEL=${LOG_LEVEL} to a file, SQLite in a temp folder.\n`,
);

const fakes = await startFakes();
const server = await spawnServer('faro', {
  ...fakes.env,
  BENCH_MERGE_WINDOW_MS: String(MERGE),
  BENCH_RATE_PER_MINUTE: '30',
  BENCH_LOG_LEVEL: LOG_LEVEL,
  BENCH_LOG_FILE: logFile,
});
const telegram = await calibrate(server.port, 'telegram', fakes, 0);
const whatsapp = await calibrate(server.port, 'whatsapp', fakes, 300);
for (const p of [...telegram.problems, ...whatsapp.problems]) console.log(`  ! calibration: ${p}`);
const calibrationFailed = telegram.problems.length + whatsapp.problems.length > 0;

await server.gc();
const atStart = await server.sample(true);
const ledger = new Ledger({ telegram: telegram.expectations, whatsapp: whatsapp.expectations });
fakes.use(ledger);

interface Point {
  t: number;
  sample: ServerSample;
}
const points: Point[] = [{ t: 0, sample: atStart }];
let lastLatency = 0;
const started = performance.now();
const line = (p: Point) => {
  const lat = ledger.latencies.slice(lastLatency);
  lastLatency = ledger.latencies.length;
  return [
    `${n0(p.t)} s`,
    n0(ledger.sentCount),
    n0(ledger.received),
    n0(ledger.expected - ledger.received),
    `${n0(mb(p.sample.rss))} MB`,
    `${n0(mb(p.sample.heapUsed))} MB`,
    pct(p.sample.loopUtilization),
    n1(percentile(lat, 50)),
    n1(percentile(lat, 99)),
  ];
};
const header = ['elapsed', 'sent', 'replies', 'backlog', 'RSS', 'heap', 'loop busy', 'reply p50', 'reply p99'];
const fixed = (cells: Array<string | number>) => `  ${cells.map((c) => String(c).padStart(10)).join(' ')}`;
console.log(fixed(header));
console.log(fixed(line(points[0]!)));
const ticker = setInterval(() => {
  void server.sample(true).then((sample) => {
    const p = { t: (performance.now() - started) / 1000, sample };
    points.push(p);
    console.log(fixed(line(p)));
  });
}, EVERY * 1000);

// One full collection half-way: what the server still holds then and at the end is the leak
// signal; RSS and heap between collections also carry garbage V8 has not reclaimed yet.
let atHalf: ServerSample | undefined;
const halfway = setTimeout(() => {
  void server.gc().then(async () => (atHalf = await server.sample()));
}, (seconds / 2) * 1000);

const send = await paced({ port: server.port, seconds, rate: RATE, connections: CONNECTIONS, traffic: new Traffic(['telegram', 'whatsapp']), ledger });
const drained = await drain(ledger, 10_000, 300_000);
const drainedAt = performance.now();
clearInterval(ticker);
clearTimeout(halfway);
const atEnd = await server.sample(true);
points.push({ t: (performance.now() - started) / 1000, sample: atEnd });
await server.gc();
const afterGc = await server.sample();
fakes.use(undefined);
await server.stop();
await fakes.stop();

const summary = ledger.summary();
/** Least-squares slope of RSS (MB per minute) over the points from `from` seconds on. */
function slope(from: number, pick: (s: ServerSample) => number): number {
  const pts = points.filter((p) => p.t >= from);
  if (pts.length < 2) return Number.NaN;
  const mx = pts.reduce((a, p) => a + p.t, 0) / pts.length;
  const my = pts.reduce((a, p) => a + mb(pick(p.sample)), 0) / pts.length;
  const num = pts.reduce((a, p) => a + (p.t - mx) * (mb(pick(p.sample)) - my), 0);
  const den = pts.reduce((a, p) => a + (p.t - mx) ** 2, 0);
  return den ? (num / den) * 60 : Number.NaN;
}
const half = seconds / 2;
const maxRss = Math.max(...points.map((p) => p.sample.rss));

console.log(`  (backlog: messages expected but not yet received; reply p50/p99 in ms, over answers completed in each interval)`);
const why = Object.entries(send.failures).map(([k, v]) => `${k} ${v}`).join(', ');
console.log(`\nSent ${n0(send.sent)} updates in ${n1(send.durationMs / 1000)} s (${n0(send.requestsPerSecond)}/s answered by the webhooks; ` +
  `${send.non2xx} non-2xx, ${send.errors} errors, ${send.timeouts} timeouts after ${send.retries} retries${why ? `; failed attempts: ${why}` : ''}); ` +
  `http p50 ${n1(send.httpP50)} ms, p99 ${n1(send.httpP99)} ms.`);
console.log(`Replies: ${n0(summary.expected)} expected, ${n0(summary.received)} received, ${n0(summary.lost)} lost, ${n0(summary.duplicated)} duplicated` +
  `${summary.strays ? ` (${summary.strays} to unknown addresses)` : ''}` +
  `${summary.lost ? ` (lost: ${Object.entries(summary.lostAt).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}; ${drained.drained ? 'all in' : 'stopped waiting'} ${n1((drainedAt - send.startedAt - send.durationMs) / 1000)} s after the last update was sent.`);
console.log(`Reply latency over the whole soak: p50 ${n1(percentile(summary.replyMs, 50))} ms, p99 ${n1(percentile(summary.replyMs, 99))} ms; ` +
  `${n0(ledger.side.answerCallbackQuery)} answerCallbackQuery calls, ${n0(ledger.side.reads)} read receipts.`);
console.log(`RSS: start ${n0(mb(atStart.rss))} MB, end ${n0(mb(atEnd.rss))} MB, max ${n0(mb(maxRss))} MB.`);
console.log(`Heap after a full GC (what the server still holds): start ${n0(mb(atStart.heapUsed))} MB, ` +
  `half-way ${atHalf ? `${n0(mb(atHalf.heapUsed))} MB` : '-'}, end ${n0(mb(afterGc.heapUsed))} MB ` +
  `(${n1((afterGc.heapUsed - atStart.heapUsed) / 1024 / (summary.updates / 1000))} KB per 1,000 updates).`);
console.log(`Trend over the second half (from ${n0(half)} s): RSS ${n2(slope(half, (s) => s.rss))} MB/min, heap ${n2(slope(half, (s) => s.heapUsed))} MB/min ` +
  `(least squares over the 10-second samples, uncollected garbage included).`);

const keptUp = (summary.lastReplyAt - send.startedAt) / 1000;
if (keptUp > seconds * 1.2) {
  const rate = summary.updates / keptUp;
  console.log(
    `The server fell behind: it answered ${n0(rate)} updates/s on average while ${RATE}/s were sent, so the memory ` +
      `figures include a growing backlog. For the leak question, run again with SOAK_RATE below ${n0(rate)}.`,
  );
}

const problems = logProblems(logFile);
if (problems.warn || problems.error) console.log(`\nServer log: ${problems.error} errors, ${problems.warn} warnings\n${problems.top.map((l) => `  ${l}`).join('\n')}`);
rmSync(workDir, { recursive: true, force: true });
console.log(`\nLoad average at the end: ${load()} (on ${cpus().length} cores; above that, other processes shared the CPU)`);

const ok = summary.lost === 0 && summary.duplicated === 0 && !calibrationFailed;
console.log(ok ? '\nNone lost, none duplicated.' : '\nReplies were lost or duplicated.');
process.exit(ok ? 0 : 1);
