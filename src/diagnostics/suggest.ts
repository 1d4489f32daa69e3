import type { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import type { Suggestion } from './diagnostic.js';

/** Levenshtein distance, with an early exit once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `name`, if it is close enough to be a likely typo: within a
 * third of the name's length (at least one edit), or equal ignoring case.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c, limit);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean `x`?` help text, or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const best = closestName(name, candidates);
  return best === undefined ? undefined : `did you mean \`${best}\`?`;
}

/**
 * "did you mean" for a name written at `span`: the help, and the fix that writes the
 * close name there. Undefined when no candidate is close.
 */
export function nameFix(
  name: string,
  candidates: Iterable<string>,
  source: SourceFile,
  span: Span,
): { help: string; suggestions: Suggestion[] } | undefined {
  const best = closestName(name, candidates);
  if (best === undefined) return undefined;
  return {
    help: `did you mean \`${best}\`?`,
    suggestions: [{ source, span, replacement: best, message: `replace \`${name}\` with \`${best}\`` }],
  };
}
