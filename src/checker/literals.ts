import regjsparser from 'regjsparser';

const { parse } = regjsparser;

/**
 * Strings of which at least one must occur in any match of `source`, or null when
 * no useful set exists. They feed the literal prefilter: a regex is run only on texts
 * where the automaton saw one of its literals (the way Hyperscan and RE2::Set work).
 *
 * @example requiredLiterals('pas(?:o|amos) gente') // ["paso gente", "pasamos gente"]
 */
export function requiredLiterals(source: string, minLength = 2): string[] | null {
  const ast = parse(source, 'u', { namedGroups: true, lookbehind: true, unicodePropertyEscape: true });
  const info = analyse(ast as unknown as Node);
  const best = info.required;
  // One Chinese character is a good anchor: it only occurs in Chinese text.
  if (!best || best.length === 0 || best.some((s) => s.length < minLength && !HAN.test(s))) return null;
  return best;
}

interface Node {
  type: string;
  body?: Node | Node[];
  behavior?: string;
  min?: number;
  max?: number;
  codePoint?: number;
  negative?: boolean;
  kind?: string;
}

interface Info {
  /** Every string the node can match, when that set is small; null otherwise. */
  exact: string[] | null;
  /** At least one of these occurs in every match; null when none is known. */
  required: string[] | null;
}

/** Cross products of alternatives grow fast; past this size a part is treated as unknown. */
const MAX_SET = 48;
/** Alternatives' literal sets are unioned; the automaton holds thousands of literals cheaply. */
const MAX_REQUIRED = 600;
const EMPTY: Info = { exact: [''], required: null };
const UNKNOWN: Info = { exact: null, required: null };

const HAN = /^\p{Script=Han}+$/u;

/** Higher is better: a set whose shortest member is long hits less often. */
function quality(set: string[] | null): number {
  if (!set || set.length === 0) return -1;
  // A Chinese character carries about as much as two Latin letters.
  const shortest = Math.min(...set.map((s) => (HAN.test(s) ? s.length * 2 : s.length)));
  return shortest * 100 - set.length;
}

function better(a: string[] | null, b: string[] | null): string[] | null {
  return quality(b) > quality(a) ? b : a;
}

function children(node: Node): Node[] {
  if (Array.isArray(node.body)) return node.body;
  return node.body ? [node.body] : [];
}

function analyse(node: Node): Info {
  switch (node.type) {
    case 'value':
      return { exact: [String.fromCodePoint(node.codePoint!)], required: null };
    case 'alternative':
      return sequence(children(node));
    case 'disjunction': {
      const infos = children(node).map(analyse);
      const exact = infos.every((i) => i.exact) ? dedupe(infos.flatMap((i) => i.exact!)) : null;
      const reqs = infos.map((i) => better(i.required, nonEmpty(i.exact)));
      const required = reqs.every((r) => r) ? dedupe(reqs.flatMap((r) => r!)) : null;
      return { exact: exact && exact.length <= MAX_SET ? exact : null, required: required && required.length <= MAX_REQUIRED ? required : null };
    }
    case 'group': {
      if (node.behavior && node.behavior !== 'normal' && node.behavior !== 'ignore') return EMPTY;
      return sequence(children(node));
    }
    case 'quantifier': {
      const inner = sequence(children(node));
      if (node.min === 0) return UNKNOWN;
      if (node.min === 1 && node.max === 1) return inner;
      return { exact: null, required: better(inner.required, nonEmpty(inner.exact)) };
    }
    case 'characterClass': {
      const members = children(node);
      if (node.negative || members.length > 4 || members.some((m) => m.type !== 'value')) return UNKNOWN;
      return { exact: members.map((m) => String.fromCodePoint(m.codePoint!)), required: null };
    }
    case 'anchor':
      return EMPTY;
    default:
      return UNKNOWN;
  }
}

/** Concatenation: glue runs of exact parts into longer literals, keep the best required set seen. */
function sequence(nodes: Node[]): Info {
  let run: string[] | null = [''];
  let required: string[] | null = null;
  let allExact = true;
  for (const n of nodes) {
    const info = analyse(n);
    required = better(required, info.required);
    if (info.exact && run && run.length * info.exact.length <= MAX_SET) {
      run = dedupe(run.flatMap((a) => info.exact!.map((b) => a + b)));
    } else {
      required = better(required, nonEmpty(run));
      run = info.exact && info.exact.length <= MAX_SET ? info.exact : [''];
      if (!info.exact) allExact = false;
    }
  }
  required = better(required, nonEmpty(run));
  return { exact: allExact ? run : null, required };
}

function nonEmpty(set: string[] | null): string[] | null {
  return set && set.length > 0 && set.every((s) => s.length > 0) ? set : null;
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
