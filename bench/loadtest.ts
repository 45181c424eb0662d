// `npm run loadtest`: the real server's Telegram and WhatsApp webhooks under load, against a bare
// grammY echo bot and a bare express echo. Fake Bot API and Graph API servers on 127.0.0.1 count
// the replies. Prints figures; exits 1 only when an update was not answered exactly once.
//   LOADTEST_SECONDS=15  LOADTEST_RATE=500  LOADTEST_CONNECTIONS=40  LOADTEST_PACER=paced|autocannon
//   LOADTEST_WARMUP_SECONDS=3  LOADTEST_LOG_LEVEL=info
//   LOADTEST_TARGETS=faro-telegram,faro-whatsapp,grammy-echo,express-echo
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakes } from './lib/fakes.js';
import { cannon, paced } from './lib/load.js';
import { calibrate, expectationsFor } from './lib/measure.js';
import { runPhase, type PhaseResult } from './lib/phase.js';
import { load, logProblems, machine, n0, n1, n2, pct, table } from './lib/report.js';
import { spawnServer, type ServerKind } from './lib/server.js';
import type { Channel } from './lib/updates.js';

const SECONDS = Number(process.env.LOADTEST_SECONDS ?? 15);
const RATE = Number(process.env.LOADTEST_RATE ?? 500);
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 40);
const PACER = process.env.LOADTEST_PACER === 'autocannon' ? 'autocannon' : 'paced';
const WARMUP = Number(process.env.LOADTEST_WARMUP_SECONDS ?? (SECONDS >= 10 ? 3 : 0));
const LOG_LEVEL = process.env.LOADTEST_LOG_LEVEL ?? 'info';
const RATE_PER_MINUTE = 30;

interface Target {
  id: string;
  label: string;
  server: ServerKind;
  channel: Channel;
}
const ALL: Target[] = [
  { id: 'faro-telegram', label: 'Faro Telegram', server: 'faro', channel: 'telegram' },
  { id: 'faro-whatsapp', label: 'Faro WhatsApp', server: 'faro', channel: 'whatsapp' },
  { id: 'grammy-echo', label: 'grammY echo', server: 'grammy-echo', channel: 'telegram' },
  { id: 'express-echo', label: 'express echo', server: 'express-echo', channel: 'telegram' },
];
const wanted = process.env.LOADTEST_TARGETS?.split(',').map((s) => s.trim());
const targets = ALL.filter((t) => !wanted || wanted.includes(t.id));

const workDir = mkdtempSync(join(tmpdir(), 'faro-loadtest-'));
const logFile = join(workDir, 'faro.log');
console.log(`Faro load test · ${machine()} · load average ${load()}`);
console.log(
  `Each target in its own child process; the load generator and the fake Bot API / Graph API share this one.\n` +
    `Per target: calibration (each script once, step by step), ${WARMUP > 0 ? `${WARMUP} s warm-up at ${RATE / 2}/s (not in the tables)` : 'no warm-up'}, then\n` +
    `${SECONDS} s at ${RATE} updates/s (${PACER === 'paced' ? `open loop, evenly spaced, latency from when each update was due` : 'autocannon overallRate'}, ` +
    `${CONNECTIONS} keep-alive connections), then ${SECONDS} s unthrottled (autocannon, ${CONNECTIONS} connections).\n` +
    `Both webhooks answer once the update is answered (WhatsApp: at most WHATSAPP_ACK_WITHIN_MS later).\n` +
    `Faro: MERGE_WINDOW_MS=0 (every text answered on its own; bursts are a separate concern), RATE_LIMIT_PER_MINUTE=${RATE_PER_MINUTE}, ` +
    `LOG_LEVEL=${LOG_LEVEL} to a file, SQLite in a temp folder, the real content/ and locales/.\n` +
    `Updates: new people, each going through /start or a greeting, a menu button, an offer (~300 chars, 9 languages), a greeting.\n`,
);

const fakes = await startFakes();
const results: PhaseResult[] = [];
const calibrations: string[] = [];
const warmups: PhaseResult[] = [];
let failed = false;

for (const kind of [...new Set(targets.map((t) => t.server))]) {
  const started = performance.now();
  const server = await spawnServer(kind, {
    ...fakes.env,
    BENCH_MERGE_WINDOW_MS: '0',
    BENCH_RATE_PER_MINUTE: String(RATE_PER_MINUTE),
    BENCH_LOG_LEVEL: LOG_LEVEL,
    BENCH_LOG_FILE: logFile,
  });
  console.log(`· ${kind} started in ${n1((performance.now() - started) / 1000)} s${server.contentMs ? ` (content ${n1(server.contentMs / 1000)} s)` : ''}, pid ${server.pid}`);
  try {
    const mine = targets.filter((t) => t.server === kind);
    // Both channels of one server at once: different people, and it saves a CI run some seconds.
    const calibrationStarted = performance.now();
    const calibrated = await Promise.all(mine.map((t) => calibrate(server.port, t.channel, fakes, t.channel === 'whatsapp' ? 300 : 0)));
    const calibrationS = (performance.now() - calibrationStarted) / 1000;
    for (const [i, target] of mine.entries()) {
      const calibration = calibrated[i]!;
      const kinds = Object.entries(calibration.byKind).map(([k, [lo, hi]]) => `${k} ${lo === hi ? lo : `${lo}-${hi}`}`);
      calibrations.push(`  ${target.label.padEnd(14)} messages per answer: ${kinds.join(', ')} (${n1(calibrationS)} s)`);
      for (const p of calibration.problems) console.log(`  ! ${target.label} calibration: ${p}`);
      if (calibration.problems.length) failed = true;
      const expectations = expectationsFor(target.channel, calibration);
      const common = { target: target.label, server, fakes, channels: [target.channel], expectations };
      const send = { port: server.port, seconds: SECONDS, connections: CONNECTIONS };
      if (WARMUP > 0) {
        console.log(`· ${target.label}: warm-up…`);
        warmups.push(await runPhase({ ...common, mode: 'warm-up', send: (traffic, ledger) => paced({ ...send, seconds: WARMUP, rate: RATE / 2, traffic, ledger }) }));
      }
      console.log(`· ${target.label}: ${RATE}/s for ${SECONDS} s…`);
      results.push(
        await runPhase({
          ...common,
          mode: `${RATE}/s`,
          send: (traffic, ledger) =>
            PACER === 'paced' ? paced({ ...send, rate: RATE, traffic, ledger }) : cannon({ ...send, overallRate: RATE, traffic, ledger }),
        }),
      );
      console.log(`· ${target.label}: unthrottled for ${SECONDS} s…`);
      results.push(await runPhase({ ...common, mode: 'max', send: (traffic, ledger) => cannon({ ...send, traffic, ledger }) }));
    }
  } finally {
    await server.stop();
  }
}
await fakes.stop();

const ms = (x: number) => n1(x);
console.log('\nThroughput and latency (http: until the webhook answered; reply: until the last message of the answer reached the fake API)');
console.log(
  table(
    ['target', 'run', 'updates', 'req/s', 'http p50', 'http p99', 'reply p50', 'reply p99', 'answered/s', 'msgs/s', 'errors', 'gen CPU'],
    results.map((r) => [
      r.target,
      r.mode,
      n0(r.ledger.updates),
      n0(r.send.requestsPerSecond),
      ms(r.send.httpP50),
      ms(r.send.httpP99),
      ms(r.replyP50),
      ms(r.replyP99),
      n0(r.answeredPerSecond),
      n0(r.repliesPerSecond),
      `${r.send.non2xx + r.send.errors + r.send.timeouts}`,
      pct(r.generatorCpu),
    ]),
  ),
);
console.log(
  '  (latencies in ms; answered/s: updates whose whole answer arrived, per second from the first update to the last reply;\n' +
    '   gen CPU: this process (load generator + fake APIs) while sending, share of one of the machine\'s cores)',
);

console.log('\nServer process and replies');
console.log(
  table(
    ['target', 'run', 'RSS before', 'RSS max', 'RSS after', 'heap after', 'CPU ms/update', 'loop busy', 'loop p99', 'expected', 'received', 'lost', 'dup', 'drain s', 'cbq/reads'],
    results.map((r) => [
      r.target,
      r.mode,
      `${n0(r.rssBeforeMb)} MB`,
      `${n0(r.rssMaxMb)} MB`,
      `${n0(r.rssAfterMb)} MB`,
      `${n0(r.heapAfterMb)} MB`,
      n2(r.cpuMsPerUpdate),
      pct(r.loopUtilization),
      `${n0(r.loopDelayP99Ms)} ms`,
      n0(r.ledger.expected),
      n0(r.ledger.received),
      n0(r.ledger.lost),
      n0(r.ledger.duplicated),
      `${n1(r.drainMs / 1000)}${r.drained ? '' : '!'}`,
      n0(r.answerCallbackQuery + r.reads),
    ]),
  ),
);
console.log(
  '  (CPU: user + system, all threads, per update; loop busy: event-loop utilisation; loop p99: event-loop delay p99;\n' +
    '   expected/received/lost/dup: messages; cbq/reads: answerCallbackQuery calls (Telegram) or read receipts (WhatsApp),\n' +
    '   not counted as replies; drain: wait after sending for the last replies, "!" when it gave up)',
);
console.log('\nCalibration (each script sent once, one step at a time)');
console.log(calibrations.join('\n'));

const find = (label: string, mode: string) => results.find((r) => r.target === label && r.mode === mode);
const ratioLines: string[] = [];
for (const faro of ['Faro Telegram', 'Faro WhatsApp']) {
  for (const base of ['grammY echo', 'express echo']) {
    const f = find(faro, 'max');
    const b = find(base, 'max');
    if (!f || !b) continue;
    const ratio = f.answeredPerSecond / b.answeredPerSecond;
    ratioLines.push(
      `  ${faro} / ${base}: ${n2(ratio)} (answered/s ${n0(f.answeredPerSecond)} vs ${n0(b.answeredPerSecond)}; req/s ${n2(f.send.requestsPerSecond / b.send.requestsPerSecond)}) ${ratio >= 0.5 ? 'meets' : 'misses'} >= 0.5`,
    );
  }
}
if (ratioLines.length) console.log(`\nFaro / baseline, unthrottled\n${ratioLines.join('\n')}`);

const latencyLines = results
  .filter((r) => r.mode !== 'max' && r.target.startsWith('Faro'))
  .map((r) => {
    const worst = Math.max(r.send.httpP99, r.replyP99);
    return `  ${r.target}: http p99 ${ms(r.send.httpP99)} ms, reply p99 ${ms(r.replyP99)} ms: ${worst < 50 ? 'meets' : 'misses'} p99 < 50 ms at ${RATE}/s`;
  });
if (latencyLines.length) console.log(`\nLatency target\n${latencyLines.join('\n')}`);

const problems = logProblems(logFile);
if (problems.warn || problems.error) console.log(`\nServer log: ${problems.error} errors, ${problems.warn} warnings\n${problems.top.map((l) => `  ${l}`).join('\n')}`);
rmSync(workDir, { recursive: true, force: true });
console.log(`\nLoad average at the end: ${load()} (on ${cpus().length} cores; above that, other processes shared the CPU)`);

const warm = warmups.map((w) => `${w.target} ${n0(w.ledger.updates)} updates, ${w.ledger.lost} lost, ${w.ledger.duplicated} duplicated`);
if (warm.length) console.log(`\nWarm-up (${RATE / 2}/s for ${WARMUP} s): ${warm.join('; ')}`);

const retried = [...warmups, ...results].filter((r) => Object.keys(r.send.failures).length > 0);
if (retried.length) console.log('\nDeliveries that failed and were posted again, as Telegram and Meta would:');
for (const r of retried) {
  const why = Object.entries(r.send.failures).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`  ${r.target} ${r.mode}: failed attempts ${why}; ${r.send.retries} posted again (same update id)`);
}

const wrong = [...warmups, ...results].filter((r) => r.ledger.lost > 0 || r.ledger.duplicated > 0);
for (const r of wrong) {
  const at = Object.entries(r.ledger.lostAt).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`\n! ${r.target} ${r.mode}: ${r.ledger.lost} messages lost${at ? ` (${at})` : ''}, ${r.ledger.duplicated} duplicated`);
}
console.log(wrong.length === 0 && !failed ? '\nEvery update answered exactly once.' : '\nNOT every update was answered exactly once.');
process.exit(wrong.length === 0 && !failed ? 0 : 1);
