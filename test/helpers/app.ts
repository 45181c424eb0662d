import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppDeps } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { silentLog, type TestWorld } from './conversation.js';

/** The real app on 127.0.0.1 and a free port, with the world's content and strings. */
export async function startApp(world: TestWorld, overrides: Partial<AppDeps> = {}): Promise<{ base: string; server: Server; deps: AppDeps }> {
  const deps: AppDeps = {
    log: silentLog,
    metrics: createMetrics({ defaultMetrics: false }),
    conversation: world.deps,
    contentStatus: () => ({ version: world.content.fingerprint, loadedAt: new Date().toISOString() }),
    ...overrides,
  };
  const server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, deps };
}
