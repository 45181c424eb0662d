import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { check } from 'recheck';

export interface Safety {
  safe: boolean;
  message: string;
}

type Verdicts = Record<string, Safety>;

/**
 * Rejects expressions that can backtrack catastrophically (exponential or polynomial time),
 * using recheck: static automaton analysis for small expressions, fuzzing for larger ones.
 *
 * recheck needs about a second for an expression with word gaps, so verdicts are kept in a
 * cache file keyed by the exact expression (content/patterns/.regex-verdicts.json). Only new or
 * edited expressions are analysed; processes loading at the same time share their verdicts
 * through the file instead of analysing the same expression twice.
 */
export class RegexSafety {
  private readonly verdicts = new Map<string, Safety>();
  private cacheStamp = -1;

  constructor(private readonly cacheFile?: string) {}

  async verify(sources: string[]): Promise<Map<string, Safety>> {
    this.merge();
    const todo = [...new Set(sources)].filter((s) => !this.verdicts.has(s));
    // Two at a time: recheck's agent shares the machine's cores, and a crowded agent times out.
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const s = todo[next++]!;
        this.merge();
        if (this.verdicts.has(s)) continue;
        const verdict = await analyse(s);
        this.verdicts.set(s, verdict);
        if (decided(verdict)) this.persist({ [s]: verdict });
      }
    };
    await Promise.all([worker(), worker()]);
    return new Map(sources.map((s) => [s, this.verdicts.get(s)!]));
  }

  /** Drops verdicts of expressions no longer in use from the cache file. */
  prune(keep: Iterable<string>): void {
    const saved = this.read();
    if (!saved) return;
    const wanted = new Set(keep);
    if (Object.keys(saved).every((s) => wanted.has(s))) return;
    this.write(Object.fromEntries(Object.entries(saved).filter(([s]) => wanted.has(s))));
  }

  private merge(): void {
    const saved = this.read();
    if (saved) for (const [s, v] of Object.entries(saved)) this.verdicts.set(s, v);
  }

  private read(): Verdicts | undefined {
    if (!this.cacheFile) return undefined;
    try {
      const stamp = statSync(this.cacheFile).mtimeMs;
      if (stamp === this.cacheStamp) return undefined;
      const saved = JSON.parse(readFileSync(this.cacheFile, 'utf8')) as Verdicts;
      this.cacheStamp = stamp;
      return saved;
    } catch {
      // No cache yet, or one being replaced: analyse, and try again next time.
      return undefined;
    }
  }

  private persist(add: Verdicts): void {
    this.cacheStamp = -1;
    const current = this.read() ?? {};
    this.write({ ...current, ...add });
  }

  private write(all: Verdicts): void {
    if (!this.cacheFile) return;
    const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    try {
      const tmp = `${this.cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(sorted, null, 1) + '\n');
      renameSync(tmp, this.cacheFile);
      this.cacheStamp = statSync(this.cacheFile).mtimeMs;
    } catch {
      // A read-only install still works; it analyses again next time.
    }
  }
}

const UNDECIDED = 'the safety check could not decide';
const decided = (v: Safety) => v.safe || !v.message.startsWith(UNDECIDED);

async function analyse(source: string): Promise<Safety> {
  const result = await check(source, 'u', { timeout: 20_000 });
  if (result.status === 'safe') return { safe: true, message: 'safe' };
  if (result.status === 'vulnerable') {
    const attack = result.attack?.pattern ? ` (slow on input like ${result.attack.pattern})` : '';
    return {
      safe: false,
      message:
        `this expression can take ${result.complexity.type} time on some texts${attack}; ` +
        'avoid nested repeats like (a+)+ and overlapping choices under * or +, e.g. write (?:words )+ as (?:[^ ]+ ){0,3}',
    };
  }
  return { safe: false, message: `${UNDECIDED} (${result.status}); simplify the expression` };
}
