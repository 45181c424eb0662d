import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { z } from 'zod';

/** A file or argument the person gave that cannot be used; the message says what to do. */
export class InputError extends Error {
  override name = 'InputError';
}

export type JsonlLine<T> = { line: number; value: T } | { line: number; error: string };

export interface JsonlSource {
  lines: AsyncIterable<string>;
  /** Bytes in the file, when known (not for standard input). */
  size?: number;
  /** Bytes read so far. */
  bytesRead: () => number;
}

export function openJsonl(file: string): JsonlSource {
  let stream: Readable;
  let size: number | undefined;
  if (file === '-') {
    stream = process.stdin;
  } else {
    try {
      size = statSync(file).size;
    } catch {
      throw new InputError(`cannot read "${file}": no such file (give a path to a JSON-lines file, or "-" for standard input)`);
    }
    stream = createReadStream(file, { encoding: 'utf8' });
  }
  let read = 0;
  stream.on('data', (chunk: string | Buffer) => (read += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length));
  return { lines: createInterface({ input: stream, crlfDelay: Infinity }), bytesRead: () => read, ...(size !== undefined ? { size } : {}) };
}

/** Parses and validates each line; a bad line yields an error naming what is wrong, and reading goes on. */
export async function* parseJsonl<S extends z.ZodType>(source: JsonlSource, schema: S): AsyncGenerator<JsonlLine<z.infer<S>>> {
  let n = 0;
  for await (const raw of source.lines) {
    n++;
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      yield { line: n, error: `not valid JSON (${(e as Error).message}); each line must be one JSON object` };
      continue;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) yield { line: n, value: parsed.data };
    else {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? `"${issue.path.join('.')}": ` : '';
      yield { line: n, error: `${field}${issue.message}` };
    }
  }
}

export const CheckLine = z.looseObject({
  id: z.union([z.string(), z.number()], { error: 'needs an "id" (a string or number)' }),
  text: z.string({ error: 'needs a "text" (a string)' }),
  lang: z.string().optional(),
});
export type CheckLine = z.infer<typeof CheckLine>;

export const LabelledLine = CheckLine.extend({
  risk: z.enum(['high', 'medium', 'low'], { error: 'needs a "risk": high, medium or low' }),
  flags: z.array(z.string()).default([]),
});
export type LabelledLine = z.infer<typeof LabelledLine>;
