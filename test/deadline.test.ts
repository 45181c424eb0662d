import { describe, expect, it } from 'vitest';
import { withDeadline } from '../src/deadline.js';

describe('withDeadline', () => {
  it('returns what the work returns, and its signal never aborts', async () => {
    let seen: AbortSignal | undefined;
    const value = await withDeadline(50, async (signal) => {
      seen = signal;
      return 42;
    });
    expect(value).toBe(42);
    await new Promise((r) => setTimeout(r, 100));
    // The timer was cleared with the work: nothing aborts afterwards.
    expect(seen!.aborted).toBe(false);
  });

  it('aborts work that outlives the deadline with a TimeoutError, as fetch reports it', async () => {
    const work = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    await expect(withDeadline(20, work)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts a real fetch to a server that never answers', async () => {
    const { createServer } = await import('node:http');
    const server = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    try {
      await expect(withDeadline(100, (signal) => fetch(`http://127.0.0.1:${port}/`, { signal }))).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
