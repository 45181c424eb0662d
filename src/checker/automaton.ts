/**
 * Aho–Corasick automaton over UTF-16 code units: finds every occurrence of every
 * literal, overlapping ones included, in a single pass over the text.
 *
 * @example
 * const ac = new Automaton(['pasamos', 'gente']);
 * ac.scan('pasamos gente', (id, end) => console.log(id, end)); // 0 7, 1 13
 */
export class Automaton {
  private readonly goto: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];
  readonly literals: readonly string[];

  constructor(literals: readonly string[]) {
    this.literals = literals;
    literals.forEach((lit, id) => this.insert(lit, id));
    this.link();
  }

  /** Calls `onHit(literalId, endExclusive)` for each occurrence, in order of end position. */
  scan(text: string, onHit: (id: number, end: number) => void): void {
    const { goto, fail, out } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next = goto[state]!.get(c);
      while (next === undefined && state !== 0) {
        state = fail[state]!;
        next = goto[state]!.get(c);
      }
      state = next ?? 0;
      const hits = out[state]!;
      for (let k = 0; k < hits.length; k++) onHit(hits[k]!, i + 1);
    }
  }

  private insert(lit: string, id: number): void {
    let state = 0;
    for (let i = 0; i < lit.length; i++) {
      const c = lit.charCodeAt(i);
      let next = this.goto[state]!.get(c);
      if (next === undefined) {
        next = this.goto.length;
        this.goto.push(new Map());
        this.fail.push(0);
        this.out.push([]);
        this.goto[state]!.set(c, next);
      }
      state = next;
    }
    this.out[state]!.push(id);
  }

  /** Breadth-first failure links; outputs are merged along them so scanning never walks dictionary links. */
  private link(): void {
    const queue: number[] = [];
    for (const s of this.goto[0]!.values()) queue.push(s);
    for (let head = 0; head < queue.length; head++) {
      const r = queue[head]!;
      for (const [c, s] of this.goto[r]!) {
        queue.push(s);
        let f = this.fail[r]!;
        while (f !== 0 && !this.goto[f]!.has(c)) f = this.fail[f]!;
        const target = this.goto[f]!.get(c);
        this.fail[s] = target !== undefined && target !== s ? target : 0;
        this.out[s]!.push(...this.out[this.fail[s]!]!);
      }
    }
  }
}
