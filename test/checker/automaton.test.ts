import { describe, expect, it } from 'vitest';
import { Automaton } from '../../src/checker/automaton.js';
import { requiredLiterals } from '../../src/checker/literals.js';

describe('Automaton', () => {
  it('finds every occurrence, overlapping ones included, in one pass', () => {
    const ac = new Automaton(['he', 'she', 'his', 'hers']);
    const hits: [string, number][] = [];
    ac.scan('ushers', (id, end) => hits.push([ac.literals[id]!, end]));
    expect(hits).toEqual([
      ['she', 4],
      ['he', 4],
      ['hers', 6],
    ]);
  });
  it('handles non-Latin scripts', () => {
    const ac = new Automaton(['先付', '私信']);
    const hits: number[] = [];
    ac.scan('先付三分之一,私信我', (id) => hits.push(id));
    expect(hits).toEqual([0, 1]);
  });
});

describe('requiredLiterals', () => {
  it('expands small alternations into whole literals', () => {
    expect(requiredLiterals('pas(?:o|amos) gente')?.sort()).toEqual(['pasamos gente', 'paso gente']);
  });
  it('keeps the most selective part of a sequence', () => {
    expect(requiredLiterals('\\d+ ?(?:dlls|dolares)')?.sort()).toEqual(['dlls', 'dolares']);
  });
  it('takes literals from every branch of a top-level alternation', () => {
    expect(requiredLiterals('garantizad[oa]|100 ?% seguro')?.sort()).toEqual(['% seguro', 'garantizada', 'garantizado']);
  });
  it('gives up when a branch has no literal', () => {
    expect(requiredLiterals('\\d{3}-\\d{4}|garantizado')).toBeNull();
  });
});
