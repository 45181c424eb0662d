/**
 * Small-cell suppression for the NGO dashboard: no count under `minCount` leaves the server,
 * and none can be worked out by subtraction from a published total.
 */

/** 'small': the count is under minCount. 'hidden': a larger count withheld to protect a small one. */
export type Suppressed = 'small' | 'hidden';

/** A published sum: `total` is the sum of `parts` (cell ids). */
export interface Line {
  parts: string[];
  total: string;
}

/**
 * Which cells to withhold. First every cell under `minCount` ('small'). Then, while some line
 * publishes its total with exactly one part withheld (so that part = total - the others), or
 * with withheld parts adding up to less than minCount (their sum is then a small count too,
 * unless it is 0: zeros are nobody), the smallest published part of that line is withheld too
 * ('hidden'), or the total when no part is left. Withholding a cell can expose another line, so this repeats until nothing changes; as
 * cells are only ever added, it ends.
 *
 * This is the usual heuristic for tables with margins (two withheld parts per published line),
 * not a full audit against every linear combination of the published numbers.
 */
export function suppress(values: ReadonlyMap<string, number>, lines: readonly Line[], minCount: number): Map<string, Suppressed> {
  const out = new Map<string, Suppressed>();
  const value = (id: string) => values.get(id) ?? 0;
  for (const [id, n] of values) if (n < minCount) out.set(id, 'small');
  for (const line of lines) {
    for (const id of [...line.parts, line.total]) if (!values.has(id) && !out.has(id) && minCount > 0) out.set(id, 'small');
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      if (out.has(line.total)) continue;
      const withheld = line.parts.filter((p) => out.has(p));
      const sum = withheld.reduce((s, p) => s + value(p), 0);
      // One withheld part is given away by subtraction; several are given away as their sum.
      if (withheld.length !== 1 && (sum === 0 || sum >= minCount)) continue;
      const shown = line.parts.filter((p) => !out.has(p)).sort((a, b) => value(a) - value(b) || (a < b ? -1 : a > b ? 1 : 0));
      out.set(shown[0] ?? line.total, 'hidden');
      changed = true;
    }
  }
  return out;
}
