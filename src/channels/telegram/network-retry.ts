import { HttpError, type Transformer } from 'grammy';

export interface NetworkRetryOptions {
  /** Tries after the first; default 3. */
  retries?: number;
  /** First wait, doubled each time; default 1000. */
  baseDelayMs?: number;
}

/**
 * Retries a Bot API call that failed on the network (reset, timeout, a proxy's HTML error page)
 * a few times, then gives up. @grammyjs/auto-retry would retry these forever, holding the
 * person's queue and, when polling, the offset. Long polls are left to the polling loop.
 */
export function networkRetry(options: NetworkRetryOptions = {}): Transformer {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 1000;
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (e) {
        if (!(e instanceof HttpError) || method === 'getUpdates' || attempt >= retries || signal?.aborted) throw e;
        await new Promise((resolve) => setTimeout(resolve, base * 2 ** attempt));
      }
    }
  };
}
