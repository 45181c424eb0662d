import { fileURLToPath } from 'node:url';
import type Tesseract from 'tesseract.js';
import { missingTraineddata } from './languages.js';

/** One recognition as the pool returns it. */
export interface Recognized {
  text: string;
  confidence: number;
}

export interface PoolOptions {
  /** Worker threads at most, all language sets together. */
  size: number;
  /** Folder of extra traineddata (OCR_TESSDATA_DIR), or undefined for the npm packages only. */
  tessdataDir?: string;
  /** A worker nobody used for this long is ended, to give its memory back. */
  idleMs: number;
}

/** Why a recognition did not give text. */
export class PoolError extends Error {
  override readonly name = 'PoolError';
  constructor(readonly reason: 'unreadable' | 'failed', message: string) {
    super(message);
  }
}

interface Slot {
  langs: string;
  current?: Job;
  worker: Promise<Tesseract.Worker>;
  busy: boolean;
  dead: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface Job {
  langs: string;
  image: Buffer;
  resolve: (r: Recognized) => void;
  reject: (e: Error) => void;
  /** Set once running, so a timeout can end the thread doing it. */
  slot?: Slot;
}

export interface Pool {
  /** Recognises on a worker made for `langs`; waits for one to be free. */
  run(langs: string, image: Buffer): { done: Promise<Recognized>; cancel(): void };
  waiting(): number;
  stats(): { workers: number; busy: number; byLanguages: Record<string, number> };
  close(): Promise<void>;
}

const WORKER_SCRIPT = fileURLToPath(new URL('./tesseract-worker.cjs', import.meta.url));
const NPM_ONLY = '/faro-npm-tessdata';

/**
 * A small pool of tesseract.js worker threads, each made for one traineddata set when first
 * needed. tesseract.js's scheduler is not used: it cannot end one stuck worker (a timeout) or
 * hold workers of different language sets.
 */
export function createPool(options: PoolOptions): Pool {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let closed = false;

  async function spawn(langs: string, onCrash: () => void): Promise<Tesseract.Worker> {
    const missing = missingTraineddata(langs, options.tessdataDir);
    if (missing.length > 0) throw new PoolError('failed', `no traineddata for ${missing.join(', ')}: run npm install, or check OCR_TESSDATA_DIR`);
    const { createWorker, OEM } = (await import('tesseract.js')).default;
    let started = false;
    let failStart: (e: Error) => void = () => {};
    // createWorker never settles when traineddata is missing; its error handler hears of it.
    const failed = new Promise<never>((_, reject) => (failStart = reject));
    const creating = createWorker(langs.split('+'), OEM.LSTM_ONLY, {
      workerPath: WORKER_SCRIPT,
      langPath: options.tessdataDir ?? NPM_ONLY,
      gzip: true,
      cacheMethod: 'none',
      // Without a handler tesseract.js throws worker errors on the main thread.
      errorHandler: (e: unknown) => {
        if (!started) failStart(new PoolError('failed', `OCR worker for ${langs} did not start: ${String(e).slice(0, 200)}`));
      },
    });
    const worker = await Promise.race([creating, failed]);
    started = true;
    (worker as unknown as { worker?: NodeJS.EventEmitter }).worker?.once('exit', onCrash);
    return worker;
  }

  function end(slot: Slot): void {
    slot.dead = true;
    clearTimeout(slot.idleTimer);
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    void slot.worker.then((w) => w.terminate()).catch(() => {});
  }

  function newSlot(langs: string): Slot {
    const slot: Slot = { langs, busy: false, dead: false, worker: undefined as unknown as Promise<Tesseract.Worker> };
    slot.worker = spawn(langs, () => {
      if (slot.dead) return;
      end(slot);
      slot.current?.reject(new PoolError('failed', 'the OCR worker stopped'));
      schedule();
    });
    // A worker that never starts (missing traineddata) must not hold its place.
    slot.worker.catch(() => {
      if (!slot.dead) end(slot);
    });
    slots.push(slot);
    return slot;
  }

  function slotFor(langs: string): Slot | undefined {
    const idle = slots.find((s) => !s.busy && s.langs === langs);
    if (idle) return idle;
    if (slots.length < options.size) return newSlot(langs);
    // All places taken: an idle worker of another language set makes way.
    const other = slots.find((s) => !s.busy);
    if (!other) return undefined;
    end(other);
    return newSlot(langs);
  }

  function schedule(): void {
    while (!closed && queue.length > 0) {
      const job = queue[0]!;
      const slot = slotFor(job.langs);
      if (!slot) return;
      queue.shift();
      start(slot, job);
    }
  }

  function start(slot: Slot, job: Job): void {
    slot.busy = true;
    clearTimeout(slot.idleTimer);
    job.slot = slot;
    slot.current = job;
    const finish = () => {
      slot.busy = false;
      slot.current = undefined;
      job.slot = undefined;
      if (!slot.dead) slot.idleTimer = setTimeout(() => end(slot), options.idleMs).unref();
      schedule();
    };
    slot.worker
      .then((w) => {
        // tesseract.js sends to an ended thread without a catch: never ask one.
        if (slot.dead) throw new PoolError('failed', 'cancelled');
        return w.recognize(job.image);
      })
      .then(
        (r) => job.resolve({ text: r.data.text ?? '', confidence: r.data.confidence ?? 0 }),
        (e: unknown) => job.reject(toPoolError(e)),
      )
      .finally(finish);
  }

  return {
    run(langs, image) {
      let job!: Job;
      const done = new Promise<Recognized>((resolve, reject) => {
        job = { langs, image, resolve, reject };
      });
      if (closed) job.reject(new PoolError('failed', 'the OCR pool is closed'));
      else {
        queue.push(job);
        schedule();
      }
      return {
        done,
        cancel() {
          const i = queue.indexOf(job);
          if (i >= 0) queue.splice(i, 1);
          // tesseract.js cannot stop one recognition: end its thread; the next job starts a new one.
          if (job.slot) end(job.slot);
          job.reject(new PoolError('failed', 'cancelled'));
          schedule();
        },
      };
    },
    waiting: () => queue.length,
    stats() {
      const byLanguages: Record<string, number> = {};
      for (const s of slots) byLanguages[s.langs] = (byLanguages[s.langs] ?? 0) + 1;
      return { workers: slots.length, busy: slots.filter((s) => s.busy).length, byLanguages };
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new PoolError('failed', 'the OCR pool is closed'));
      const all = [...slots];
      for (const s of all) end(s);
      await Promise.allSettled(all.map((s) => s.worker.then((w) => w.terminate())));
    },
  };
}

/** tesseract.js rejects with Leptonica's words, e.g. "Error attempting to read image." */
function toPoolError(e: unknown): PoolError {
  if (e instanceof PoolError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new PoolError(/image|pix|leptonica/i.test(message) ? 'unreadable' : 'failed', message.slice(0, 200));
}
