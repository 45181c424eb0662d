// A server under test in its own process, so the load generator and the fake APIs do not share
// its event loop. Started by spawnServer (server.ts); talks over the IPC channel.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ChildReply, ChildRequest, ServerKind } from './server.js';

const kind = process.env.BENCH_SERVER as ServerKind;
const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const send = (message: ChildReply) => process.send?.(message);

// Imported on demand: a baseline must not carry Faro's modules in its memory.
const running =
  kind === 'faro'
    ? await (await import('./faro.js')).startFaro({
        telegramApiRoot: env('BENCH_TELEGRAM_API'),
        whatsappApiBase: env('BENCH_GRAPH_API'),
        whatsappToken: env('BENCH_GRAPH_TOKEN'),
        phoneNumberId: env('BENCH_PHONE_NUMBER_ID'),
        mergeWindowMs: Number(env('BENCH_MERGE_WINDOW_MS')),
        ratePerMinute: Number(env('BENCH_RATE_PER_MINUTE')),
        logLevel: env('BENCH_LOG_LEVEL'),
        logFile: env('BENCH_LOG_FILE'),
      })
    : kind === 'grammy-echo'
      ? await (await import('./baselines.js')).startGrammyEcho(env('BENCH_TELEGRAM_API'))
      : await (await import('./baselines.js')).startExpressEcho(env('BENCH_TELEGRAM_API'));

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let elu = performance.eventLoopUtilization();
let cpu = process.cpuUsage();

process.on('message', (message: ChildRequest) => {
  if (message.cmd === 'sample') {
    const m = process.memoryUsage();
    const nowElu = performance.eventLoopUtilization(elu);
    const nowCpu = process.cpuUsage(cpu);
    send({
      type: 'sample',
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      loopUtilization: nowElu.utilization,
      cpuMs: (nowCpu.user + nowCpu.system) / 1000,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
    });
    if (message.reset) {
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      delay.reset();
    }
  } else if (message.cmd === 'gc') {
    globalThis.gc?.();
    send({ type: 'gc' });
  } else if (message.cmd === 'stop') {
    void running.stop().finally(() => {
      send({ type: 'stopped' });
      process.disconnect?.();
      process.exit(0);
    });
  }
});

send({ type: 'ready', port: running.port, contentMs: 'contentMs' in running ? Number(running.contentMs) : 0 });
