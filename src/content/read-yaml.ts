import { readdir, readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';

/** One thing wrong in one content file, phrased for an editor. */
export interface ContentProblem {
  file: string;
  line?: number;
  path?: string;
  message: string;
}

/** The YAML files of a folder, sorted; undefined when the folder does not exist. */
export async function yamlFilesIn(dir: string): Promise<string[] | undefined> {
  try {
    return (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return undefined;
  }
}

export function formatProblem(p: ContentProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Content could not be loaded; `problems` says what to fix, file by file. */
export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(`content has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ContentError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export interface ParsedYaml<T> {
  value?: T;
  /** The file's text, for fingerprinting a content version. */
  source: string;
  problems: ContentProblem[];
  /** Line of the node at `path`, for problems found after parsing. */
  lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

/** Reads and validates one YAML file; never throws for bad content, it reports problems instead. */
export async function readYaml<S extends z.ZodType>(file: string, schema: S, root: string): Promise<ParsedYaml<z.infer<S>>> {
  const name = relative(root, file) || file;
  const source = await readFile(file, 'utf8');
  return parseYaml(source, name, schema);
}

export function parseYaml<S extends z.ZodType>(source: string, name: string, schema: S): ParsedYaml<z.infer<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (path: readonly PropertyKey[]) => nodeLine(doc, lines, path);
  if (doc.errors.length > 0) {
    return {
      lineOf,
      source,
      problems: doc.errors.map((e) => ({
        file: name,
        line: e.linePos?.[0]?.line ?? lines.linePos(Math.min(e.pos[0], source.length)).line,
        message: `${e.message.split('\n')[0]} (check the indentation and that text with ":" or "#" is in quotes)`,
      })),
    };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      lineOf,
      source,
      problems: parsed.error.issues.map((issue) => ({
        file: name,
        line: lineOf(issue.path),
        path: formatPath(issue.path),
        message: issue.message,
      })),
    };
  }
  return { value: parsed.data, problems: [], lineOf, source };
}

function nodeLine(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
