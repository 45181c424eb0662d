import type { Language } from '../content/schemas.js';
import { imageInfo } from './image-info.js';
import { languageSets, plan, scriptOf, type Script } from './languages.js';
import { createPool, PoolError, type Recognized } from './pool.js';

export type OcrFailure = 'busy' | 'too_large' | 'unreadable' | 'timeout' | 'failed';

export type OcrResult =
  | { ok: true; text: string; confidence: number; /** The traineddata set that read it, e.g. "ara+eng". */ language: string }
  | { ok: false; reason: OcrFailure };

export interface OcrHint {
  /** The person's language: picks the script's traineddata first. */
  lang?: Language;
  /** When the language is unknown, a script seen elsewhere (a caption). */
  script?: Script;
}

export interface OcrOptions {
  /** Worker threads at most (OCR_WORKERS); default 2. */
  workers?: number;
  /** Images waiting for a worker at most (OCR_QUEUE); one more is 'busy' at once. Default 8. */
  queue?: number;
  /** Per image, waiting included (OCR_TIMEOUT_MS); default 20 s. */
  timeoutMs?: number;
  /** OCR_MAX_BYTES; default 8 MB. */
  maxBytes?: number;
  /** OCR_MAX_PIXELS; default 24 megapixels. */
  maxPixels?: number;
  /** OCR_TESSDATA_DIR: extra traineddata, e.g. Debian's rus.traineddata. */
  tessdataDir?: string;
  /** An unused worker is ended after this long; default 10 minutes. */
  idleMs?: number;
  /** Below this mean confidence (0–100) the image is read again with the other scripts; default 75. */
  retryBelow?: number;
  /** Told why a reading failed (tesseract.js's words, never the image or its text), e.g. to log it. */
  onFailure?: (message: string) => void;
}

export interface OcrStats {
  workers: number;
  running: number;
  queued: number;
  byLanguages: Record<string, number>;
  read: number;
  refused: Record<OcrFailure, number>;
  /** Mean time of successful reads, waiting included. */
  meanMs: number;
}

export interface Ocr {
  read(image: Buffer, hint?: OcrHint): Promise<OcrResult>;
  stats(): OcrStats;
  /** Ends every worker; reads still waiting get 'failed'. */
  close(): Promise<void>;
}

export const OCR_DEFAULTS = { workers: 2, queue: 8, timeoutMs: 20_000, maxBytes: 8 * 1024 * 1024, maxPixels: 24_000_000 } as const;

/**
 * Reads the text in screenshots with tesseract.js, off the main thread, with limits on size,
 * pixels, time and waiting images. Nothing starts until the first image; nothing is written to
 * disk or fetched from the network; images live only in memory while they are read.
 *
 * @example
 * const ocr = createOcr({ workers: 2 });
 * const r = await ocr.read(png, { lang: 'es' });
 * if (r.ok) checker.checkOffer(r.text);
 */
export function createOcr(options: OcrOptions = {}): Ocr {
  const o = { ...OCR_DEFAULTS, idleMs: 10 * 60_000, retryBelow: 75, ...options };
  const sets = languageSets(o.tessdataDir);
  const pool = createPool({ size: Math.max(1, o.workers), idleMs: o.idleMs, ...(o.tessdataDir ? { tessdataDir: o.tessdataDir } : {}) });
  const refused: Record<OcrFailure, number> = { busy: 0, too_large: 0, unreadable: 0, timeout: 0, failed: 0 };
  let read = 0;
  let totalMs = 0;
  let inFlight = 0;
  let closed = false;

  const fail = (reason: OcrFailure): OcrResult => {
    refused[reason]++;
    return { ok: false, reason };
  };

  async function readWithin(image: Buffer, hint: OcrHint): Promise<OcrResult> {
    const [first, second] = plan(sets, hint.lang ? scriptOf(hint.lang) : hint.script);
    let current: ReturnType<typeof pool.run> | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      current?.cancel();
    }, o.timeoutMs);
    try {
      current = pool.run(first, image);
      let best: Recognized & { language: string } = { ...(await current.done), language: first };
      if (best.confidence < o.retryBelow && !timedOut) {
        current = pool.run(second, image);
        const again = await current.done;
        if (again.confidence > best.confidence) best = { ...again, language: second };
      }
      return { ok: true, text: tidy(best.text), confidence: Math.round(best.confidence), language: best.language };
    } catch (e) {
      if (timedOut) return fail('timeout');
      if (!(e instanceof PoolError) || e.reason === 'failed') o.onFailure?.(e instanceof Error ? e.message : String(e));
      return fail(e instanceof PoolError ? e.reason : 'failed');
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async read(image, hint = {}) {
      if (closed) return fail('failed');
      if (image.length > o.maxBytes) return fail('too_large');
      const info = imageInfo(image);
      if (!info) return fail('unreadable');
      if (info.width * info.height > o.maxPixels) return fail('too_large');
      // Running and waiting together: more than the workers plus the queue is refused at once.
      if (inFlight >= Math.max(1, o.workers) + o.queue) return fail('busy');
      inFlight++;
      const started = Date.now();
      try {
        const result = await readWithin(image, hint);
        if (result.ok) {
          read++;
          totalMs += Date.now() - started;
        }
        return result;
      } finally {
        inFlight--;
      }
    },
    stats() {
      const p = pool.stats();
      return { workers: p.workers, running: p.busy, queued: pool.waiting(), byLanguages: p.byLanguages, read, refused: { ...refused }, meanMs: read ? Math.round(totalMs / read) : 0 };
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}

const HAN_OR_MARK = '[\\p{Script=Han}，。！？、：；（）“”]';
const HAN_GAP = new RegExp(`(?<=${HAN_OR_MARK})[ \\t]+(?=${HAN_OR_MARK})`, 'gu');

/** Tesseract's chi_sim puts spaces between Chinese words; Chinese is written without them. */
export function tidy(text: string): string {
  return text.replace(HAN_GAP, '').replace(/[ \t]+\n/g, '\n').trim();
}

export { imageInfo, type ImageInfo } from './image-info.js';
export { languageSets, scriptOfText, type Script } from './languages.js';
