import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { check } from 'recheck';

export interface Safety {
  safe: boolean;
  message: string;
  /** Set when accepted with a reservation, e.g. polynomial in theory but fast on real inputs. */
  warning?: string;
  /** Milliseconds V8 took on recheck's attack cut to ATTACK_LENGTH, measured once and cached. */
  replayMs?: number;
}

/** Longest text the checker ever matches (check-offer's MAX_CHECK_LENGTH). */
export const ATTACK_LENGTH = 8000;
/** A polynomial expression is accepted only if recheck's own attack, cut to ATTACK_LENGTH, runs this fast. */
export const ATTACK_BUDGET_MS = 50;

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
    for (const s of new Set(sources)) {
      const v = this.verdicts.get(s)!;
      if (v.replayMs !== undefined || v.safe || !v.message.startsWith(POLYNOMIAL)) continue;
      const ms = replay(s, v.message);
      if (ms === undefined) continue;
      const measured = { ...v, replayMs: ms };
      this.verdicts.set(s, measured);
      this.persist({ [s]: measured });
    }
    return new Map(sources.map((s) => [s, judge(this.verdicts.get(s)!)]));
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
const POLYNOMIAL = 'this expression can take polynomial time';

/**
 * recheck proves a polynomial bound on unbounded input, but texts are cut at ATTACK_LENGTH
 * characters. Replay its attack, so cut, on V8's own engine: slow means rejected, fast means
 * accepted with a warning that says so.
 */
function judge(verdict: Safety): Safety {
  if (verdict.safe || verdict.replayMs === undefined) return verdict;
  const ms = verdict.replayMs;
  if (ms > ATTACK_BUDGET_MS) {
    return { ...verdict, message: `${verdict.message} (${Math.round(ms)} ms on a ${ATTACK_LENGTH}-character attack text)` };
  }
  // Far under budget is not worth an editor's attention; close to it is.
  if (ms < ATTACK_BUDGET_MS / 10) return { safe: true, message: 'safe within the length limit' };
  return {
    safe: true,
    message: 'safe within the length limit',
    warning: `polynomial in theory; ${ms.toFixed(1)} ms on recheck's attack cut to ${ATTACK_LENGTH} characters (the limit is ${ATTACK_BUDGET_MS} ms)`,
  };
}

/** Fastest of three runs of the expression over the attack text, in milliseconds. */
function replay(source: string, message: string): number | undefined {
  const attack = attackText(message);
  if (attack === undefined) return undefined;
  const re = new RegExp(source, 'gu');
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    re.lastIndex = 0;
    while (re.exec(attack) !== null) if (re.lastIndex === 0) break;
    best = Math.min(best, performance.now() - start);
  }
  return Math.round(best * 10) / 10;
}

/** Builds the text of recheck's attack description, e.g. `'ab'.repeat(300) + '!'`, cut to ATTACK_LENGTH. */
export function attackText(message: string): string | undefined {
  const described = /\(slow on input like (.+)\); avoid/.exec(message)?.[1];
  if (!described) return undefined;
  let out = '';
  const part = /'((?:\\.|[^'\\])*)'(?:\.repeat\((\d+)\))?/g;
  let m: RegExpExecArray | null;
  while ((m = part.exec(described)) !== null && out.length < ATTACK_LENGTH) {
    const text = unescape(m[1]!);
    const times = m[2] ? Math.min(Number(m[2]), Math.ceil(ATTACK_LENGTH / Math.max(1, text.length))) : 1;
    out += text.repeat(times);
  }
  return out.length > 0 ? out.slice(0, ATTACK_LENGTH) : undefined;
}

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    return ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}
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
