// One measured run against one server: send, wait for every reply, sample the server, count.
import type { Fakes } from './fakes.js';
import { Ledger, percentile, type Expectations, type LedgerSummary } from './ledger.js';
import type { SendResult } from './load.js';
import { drain, mb, sampler } from './measure.js';
import type { ServerProcess } from './server.js';
import { Traffic, type Channel } from './updates.js';

export interface PhaseResult {
  target: string;
  mode: string;
  send: SendResult;
  ledger: Omit<LedgerSummary, 'replyMs'>;
  answerCallbackQuery: number;
  reads: number;
  drained: boolean;
  drainMs: number;
  /** Messages received per second, from the first update to the last reply. */
  repliesPerSecond: number;
  /** Updates fully answered per second over the same time. */
  answeredPerSecond: number;
  replyP50: number;
  replyP99: number;
  rssBeforeMb: number;
  rssMaxMb: number;
  rssAfterMb: number;
  heapAfterMb: number;
  cpuMsPerUpdate: number;
  loopUtilization: number;
  loopDelayP99Ms: number;
  /** CPU used by this process (load generator and fake APIs) while sending, as a share of one core. */
  generatorCpu: number;
}

export interface PhaseOptions {
  target: string;
  mode: string;
  server: ServerProcess;
  fakes: Fakes;
  channels: readonly Channel[];
  expectations: Expectations;
  /** People per window (one person's updates are this many apart). */
  window?: number;
  drainStallMs?: number;
  drainMaxMs?: number;
  send: (traffic: Traffic, ledger: Ledger) => Promise<SendResult>;
}

export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { server, fakes } = options;
  const ledger = new Ledger(options.expectations);
  const traffic = new Traffic(options.channels, options.window ?? 1000);
  fakes.use(ledger);
  const before = await server.sample(true);
  const samples = sampler(server);
  const cpuBefore = process.cpuUsage();
  const send = await options.send(traffic, ledger);
  const cpuUsed = process.cpuUsage(cpuBefore);
  const drained = await drain(ledger, options.drainStallMs, options.drainMaxMs);
  samples.stop();
  const after = await server.sample(true);
  fakes.use(undefined);
  const { replyMs, ...summary } = ledger.summary();
  const activeS = Math.max(1e-3, ((summary.lastReplyAt || performance.now()) - send.startedAt) / 1000);
  const answered = replyMs.length;
  return {
    target: options.target,
    mode: options.mode,
    send,
    ledger: summary,
    answerCallbackQuery: ledger.side.answerCallbackQuery,
    reads: ledger.side.reads,
    drained: drained.drained,
    drainMs: drained.waitedMs,
    repliesPerSecond: summary.received / activeS,
    answeredPerSecond: answered / activeS,
    replyP50: percentile(replyMs, 50),
    replyP99: percentile(replyMs, 99),
    rssBeforeMb: mb(before.rss),
    rssMaxMb: mb(Math.max(samples.maxRss, after.rss, before.rss)),
    rssAfterMb: mb(after.rss),
    heapAfterMb: mb(after.heapUsed),
    cpuMsPerUpdate: summary.updates ? after.cpuMs / summary.updates : Number.NaN,
    loopUtilization: after.loopUtilization,
    loopDelayP99Ms: after.loopDelayP99Ms,
    generatorCpu: (cpuUsed.user + cpuUsed.system) / 1000 / send.durationMs,
  };
}
