import { GrammyError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import { errorForLog } from '../../log-safe.js';

/** How long one getUpdates call waits for news; inside the client's timeoutSeconds. */
export const POLL_TIMEOUT_SECONDS = 25;

export interface PollingOptions {
  log: Logger;
  allowedUpdates: readonly string[];
  /** Default POLL_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  /** While updates are being answered, how often to look for new ones. Default 250. */
  busyPollMs?: number;
  /**
   * Updates handled at once; past it, new ones are left with Telegram (unconfirmed) until some
   * finish, so a stalled Bot API cannot make the process pile up work. Default 500.
   */
  maxWorking?: number;
  /** First wait after a failed getUpdates, doubled up to maxErrorDelayMs. Default 1000. */
  errorDelayMs?: number;
  maxErrorDelayMs?: number;
}

export interface Polling {
  /** Stops fetching, waits for the updates being answered, then confirms them to Telegram. */
  stop(): Promise<void>;
  /** Settles when the loop has ended. */
  readonly done: Promise<void>;
}

/**
 * Long polling that confirms an update to Telegram only once it is answered. grammY's own loop
 * confirms a batch when its handlers return, and Faro's handlers return only after the answer is
 * sent, so a burst of forwards would be fetched one merge window at a time. Here every update is
 * handled as soon as it arrives, side by side, and the offset moves past an update only when
 * it and every one before it are finished. If the process dies, Telegram hands the unfinished
 * ones out again; their claims in the store let the next process answer them.
 */
export function startPolling(bot: Bot, options: PollingOptions): Polling {
  const { log } = options;
  const timeout = options.timeoutSeconds ?? POLL_TIMEOUT_SECONDS;
  const busyPollMs = options.busyPollMs ?? 250;
  const firstErrorDelay = options.errorDelayMs ?? 1000;
  const maxErrorDelay = options.maxErrorDelayMs ?? 30_000;
  const maxWorking = options.maxWorking ?? 500;
  const working = new Map<number, Promise<void>>();
  /** Answered but maybe not yet confirmed: skipped when Telegram hands them out again. */
  const finished = new Set<number>();
  const controller = new AbortController();
  let stopping = false;
  let offset: number | undefined;
  let highest: number | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  function nextOffset(): number | undefined {
    if (highest === undefined) return offset;
    let open = highest + 1;
    for (const id of working.keys()) if (id < open) open = id;
    for (const id of finished) if (id < open) finished.delete(id);
    return open;
  }

  function handle(update: Update): void {
    const id = update.update_id;
    const task = bot
      .handleUpdate(update)
      .catch((err: unknown) => log.error({ err: errorForLog(err), update: id }, 'telegram update failed'))
      .finally(() => {
        working.delete(id);
        finished.add(id);
        wake?.();
      });
    working.set(id, task);
  }

  async function loop(): Promise<void> {
    let errorDelay = firstErrorDelay;
    while (!stopping) {
      let updates: Update[];
      try {
        const busy = working.size > 0;
        updates = await bot.api.getUpdates(
          { ...(offset !== undefined ? { offset } : {}), limit: 100, timeout: busy ? 0 : timeout, allowed_updates: [...options.allowedUpdates] as never },
          controller.signal as Parameters<typeof bot.api.getUpdates>[1],
        );
        errorDelay = firstErrorDelay;
      } catch (err) {
        if (stopping) break;
        const fatal = err instanceof GrammyError && err.error_code === 401;
        log.error({ err: errorForLog(err) }, fatal ? 'telegram polling stopped: the bot token was refused' : 'telegram getUpdates failed; retrying');
        if (fatal) throw err;
        await pause(errorDelay);
        errorDelay = Math.min(maxErrorDelay, errorDelay * 2);
        continue;
      }
      let fresh = 0;
      for (const update of updates) {
        const known = working.has(update.update_id) || finished.has(update.update_id);
        // Full: this update and the later ones stay with Telegram, unconfirmed, for a later call.
        if (!known && working.size >= maxWorking) break;
        highest = Math.max(highest ?? update.update_id, update.update_id);
        if (known) continue;
        fresh++;
        handle(update);
      }
      offset = nextOffset();
      // Unfinished updates come back at once on every call: look again shortly, not in a tight loop.
      if (fresh === 0 && working.size > 0 && !stopping) await pause(busyPollMs);
    }
  }

  const done = loop();
  return {
    done,
    async stop() {
      stopping = true;
      controller.abort();
      wake?.();
      await done.catch(() => {});
      while (working.size > 0) await Promise.allSettled([...working.values()]);
      const confirm = nextOffset();
      if (confirm !== undefined) {
        await bot.api.getUpdates({ offset: confirm, limit: 1, timeout: 0 }).catch((err: unknown) => log.warn({ err: errorForLog(err) }, 'could not confirm the last updates to Telegram'));
      }
    },
  };
}
