import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCheckerContent } from '../../src/content/load-checker.js';
import { ContentError } from '../../src/content/read-yaml.js';
import { createContentStore } from '../../src/content/store.js';

let dirs: string[] = [];
async function copyOfContent(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faro-content-'));
  dirs.push(dir);
  await cp(resolve('content'), dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

async function problemsOf(dir: string): Promise<string[]> {
  try {
    await loadCheckerContent(dir);
  } catch (e) {
    if (e instanceof ContentError) return e.message.split('\n').slice(1);
    throw e;
  }
  return [];
}

const extraPattern = (body: string) => `language: es\npatterns:\n${body}`;

describe('loading patterns', () => {
  it('reports a wrong field as file:line: path: message', async () => {
    const dir = await copyOfContent();
    await writeFile(
      join(dir, 'patterns/es-extra.yaml'),
      extraPattern('  - id: es.test.one\n    flag: guaranteed\n    phrases: [algo]\n    match: [algo]\n'),
    );
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^patterns\/es-extra\.yaml:4: patterns\[0\]\.flag: "guaranteed" is not a warning sign; use one of: smuggling_offer, guarantee/,
    );
  });

  it('says how to name a file of patterns', async () => {
    const dir = await copyOfContent();
    await writeFile(join(dir, 'patterns/es-extra.yaml'), extraPattern('  - id: es.test.one\n    flag: guarantee\n    phrases: [algo]\n    match: [algo]\n'));
    expect(await problemsOf(dir)).toEqual(['patterns/es-extra.yaml:1: language: a file of "es" patterns must be named es.yaml, not es-extra.yaml']);
  });

  it('rejects an expression that can backtrack catastrophically, saying why', async () => {
    const dir = await copyOfContent();
    const es = await readFile(join(dir, 'patterns/es.yaml'), 'utf8');
    await writeFile(
      join(dir, 'patterns/es.yaml'),
      es + `\n  - id: es.test.slow\n    flag: guarantee\n    regex: '(?:[a-z]+ ?)+x'\n    match: [abc x]\n`,
    );
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^patterns\/es\.yaml:\d+: patterns\[\d+\]\.regex: this expression can take exponential time/);
  });

  it('rejects duplicate ids', async () => {
    const dir = await copyOfContent();
    const es = await readFile(join(dir, 'patterns/es.yaml'), 'utf8');
    const firstId = /id: (\S+)/.exec(es)![1]!;
    await writeFile(join(dir, 'patterns/es.yaml'), es + `\n  - id: ${firstId}\n    flag: guarantee\n    phrases: [x y z]\n    match: [x y z]\n`);
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^patterns/es\\.yaml:\\d+: patterns\\[\\d+\\]\\.id: id "${firstId.replaceAll('.', '\\.')}" is already used in patterns/es\\.yaml`));
  });

  it('reports broken YAML with its line', async () => {
    const dir = await copyOfContent();
    await writeFile(join(dir, 'patterns/en.yaml'), 'language: en\npatterns:\n  - id: "unclosed\n');
    const problems = await problemsOf(dir);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^patterns\/en\.yaml:\d+: /);
  });
});

describe('content store', () => {
  it('swaps in a valid change and keeps the last good content on an invalid one', async () => {
    const dir = await copyOfContent();
    const store = await createContentStore(dir, loadCheckerContent);
    const first = store.current();
    const v1 = store.status().version;

    const scoringFile = join(dir, 'patterns/scoring.yaml');
    const scoring = await readFile(scoringFile, 'utf8');
    await writeFile(scoringFile, scoring.replace('negation_window: 3', 'negation_window: 2'));
    expect(await store.reload()).toBe(true);
    expect(store.status().version).not.toBe(v1);
    expect(store.current().patterns.scoring.negation_window).toBe(2);

    const good = store.current();
    await writeFile(scoringFile, 'thresholds: [broken');
    expect(await store.reload()).toBe(false);
    expect(store.current()).toBe(good);
    expect(store.status().lastError?.problems[0]).toMatch(/^patterns\/scoring\.yaml:1: /);
    expect(first).not.toBe(good);
    store.close();
  });

  it('keeps the last good content when a file is deleted', async () => {
    const dir = await copyOfContent();
    const store = await createContentStore(dir, loadCheckerContent);
    const good = store.current();
    await rm(join(dir, 'patterns/emoji.yaml'));
    expect(await store.reload()).toBe(false);
    expect(store.current()).toBe(good);
    expect(store.status().lastError?.problems).toEqual(['patterns/emoji.yaml: file not found; it is required (see content/README.md)']);
    store.close();
  });

  it('reloads by itself when a watched file changes', async () => {
    const dir = await copyOfContent();
    let reloaded: () => void = () => {};
    const done = new Promise<void>((ok) => (reloaded = ok));
    const store = await createContentStore(dir, loadCheckerContent, { watch: true, debounceMs: 50, onReload: () => reloaded() });
    const v1 = store.status().version;
    const scoringFile = join(dir, 'patterns/scoring.yaml');
    await writeFile(scoringFile, (await readFile(scoringFile, 'utf8')).replace('report_min: 0.5', 'report_min: 0.6'));
    await done;
    expect(store.status().version).not.toBe(v1);
    expect(store.current().patterns.scoring.report_min).toBe(0.6);
    store.close();
  });
});
