import { withDeadline } from '../deadline.js';

/** A download refused because it is bigger than allowed; nothing past the limit was kept. */
export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
}

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/**
 * GETs `url` into memory, stopping as soon as more than `maxBytes` arrive (whatever
 * Content-Length claims). Used for pictures sent to Faro; they are never written to disk.
 *
 * @throws TooLargeError past the limit; Error on a network error, a timeout or a non-2xx answer.
 */
export function download(url: string, options: DownloadOptions): Promise<Buffer> {
  return withDeadline(options.timeoutMs ?? 15_000, (signal) => fetchInto(url, options, signal));
}

async function fetchInto(url: string, options: DownloadOptions, signal: AbortSignal): Promise<Buffer> {
  const res = await (options.fetch ?? globalThis.fetch)(url, {
    headers: options.headers ?? {},
    redirect: 'follow',
    signal,
  });
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`download failed: HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new TooLargeError(`the file is ${declared} bytes; at most ${options.maxBytes} are read`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new TooLargeError(`the file is larger than ${options.maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}
