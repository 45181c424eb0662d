// Starts a server under test in a child process and asks it for samples (RSS, heap, CPU).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type ServerKind = 'faro' | 'grammy-echo' | 'express-echo';

export type ChildRequest = { cmd: 'sample'; reset?: boolean } | { cmd: 'gc' } | { cmd: 'stop' };

export interface ServerSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Share of wall time the event loop was busy since the last reset, 0..1. */
  loopUtilization: number;
  /** CPU time (user + system, all threads) since the last reset. */
  cpuMs: number;
  loopDelayP99Ms: number;
}

export type ChildReply =
  | ({ type: 'sample' } & ServerSample)
  | { type: 'ready'; port: number; contentMs: number }
  | { type: 'gc' }
  | { type: 'stopped' };

export interface ServerProcess {
  kind: ServerKind;
  port: number;
  pid: number;
  contentMs: number;
  /** Resets the CPU and event-loop counters when `reset` is true. */
  sample(reset?: boolean): Promise<ServerSample>;
  /** A full garbage collection in the server (it runs with --expose-gc). */
  gc(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnServer(kind: ServerKind, env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = fork(join(import.meta.dirname, 'server-child.ts'), [], {
    // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to look inside a server.
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env, BENCH_SERVER: kind },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildReply['type']>(type: T, timeoutMs: number): Promise<Extract<ChildReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${kind} server: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: ChildReply) => m.type === type && done(undefined, m as Extract<ChildReply, { type: T }>);
      const onExit = (code: number | null) => done(new Error(`${kind} server exited (code ${code}) before "${type}"`));
      function done(err?: Error, value?: Extract<ChildReply, { type: T }>) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value!);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = (message: ChildRequest) => child.send(message);
  const ready = await next('ready', 120_000);
  return {
    kind,
    port: ready.port,
    pid: child.pid ?? 0,
    contentMs: ready.contentMs,
    async sample(reset = false) {
      const reply = next('sample', 10_000);
      ask({ cmd: 'sample', reset });
      const { type: _type, ...sample } = await reply;
      return sample;
    },
    async gc() {
      const reply = next('gc', 10_000);
      ask({ cmd: 'gc' });
      await reply;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      ask({ cmd: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
