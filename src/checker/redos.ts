import { checkSync } from 'recheck';

export interface Safety {
  safe: boolean;
  message: string;
}

// recheck takes milliseconds per expression; the same source always gets the same verdict.
const verdicts = new Map<string, Safety>();

/**
 * Rejects expressions that can backtrack catastrophically (exponential or polynomial),
 * using recheck's static analysis with fuzzing as a fallback.
 */
export function checkRegexSafety(source: string): Safety {
  const known = verdicts.get(source);
  if (known) return known;
  const result = checkSync(source, 'u', { timeout: 2000 });
  let verdict: Safety;
  if (result.status === 'safe') {
    verdict = { safe: true, message: 'safe' };
  } else if (result.status === 'vulnerable') {
    const attack = result.attack?.pattern ? ` (slow on input like ${result.attack.pattern})` : '';
    verdict = {
      safe: false,
      message:
        `this expression can take ${result.complexity.type} time on some texts${attack}; ` +
        'avoid nested repeats like (a+)+ and overlapping choices under * or +, e.g. write (?:words )+ as (?:[^ ]+ ){0,3}',
    };
  } else {
    verdict = {
      safe: false,
      message: `the safety check could not decide (${result.status}); simplify the expression`,
    };
  }
  verdicts.set(source, verdict);
  return verdict;
}
