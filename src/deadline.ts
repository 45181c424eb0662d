/**
 * Runs `run` with a signal that aborts after `ms`, and clears the timer once it is done.
 * AbortSignal.timeout cannot be cleared: under load every request left a timer behind that
 * later built a DOMException, a few percent of the CPU.
 */
export async function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
