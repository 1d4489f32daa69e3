import type { Suggestion } from './diagnostic.js';

/** What applying a file's suggestions did: the new text, the fixes made, and those refused. */
export interface AppliedSuggestions {
  readonly text: string;
  /** In file order; a fix given twice (two diagnostics, one fix) appears once. */
  readonly applied: readonly Suggestion[];
  /** Fixes that overlap another, which could only be applied by guessing which was meant (or lie outside the text). */
  readonly refused: readonly Suggestion[];
}

const same = (a: Suggestion, b: Suggestion): boolean =>
  a.span.start === b.span.start && a.span.end === b.span.end && a.replacement === b.replacement;

/**
 * Two fixes touch the same text: their spans overlap, or they insert at the same point, or
 * one inserts inside (not at an edge of) the other's span.
 */
function overlap(a: Suggestion, b: Suggestion): boolean {
  if (a.span.start === a.span.end && b.span.start === b.span.end) return a.span.start === b.span.start;
  if (a.span.start === a.span.end) return a.span.start > b.span.start && a.span.start < b.span.end;
  if (b.span.start === b.span.end) return b.span.start > a.span.start && b.span.start < a.span.end;
  return a.span.start < b.span.end && b.span.start < a.span.end;
}

/**
 * Writes the suggestions for one text into it. Each fix's span is in the original text;
 * fixes are applied from the last to the first so earlier offsets stay valid. Fixes that
 * overlap are all refused, never applied one over the other; the rest are applied.
 */
export function applySuggestions(text: string, suggestions: readonly Suggestion[]): AppliedSuggestions {
  const unique: Suggestion[] = [];
  for (const s of suggestions) if (!unique.some((u) => same(u, s))) unique.push(s);
  unique.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const inText = (s: Suggestion): boolean => s.span.start >= 0 && s.span.start <= s.span.end && s.span.end <= text.length;
  const refused = unique.filter((s) => !inText(s) || unique.some((o) => o !== s && overlap(s, o)));
  const applied = unique.filter((s) => !refused.includes(s));
  let out = text;
  for (const s of [...applied].reverse()) out = out.slice(0, s.span.start) + s.replacement + out.slice(s.span.end);
  return { text: out, applied, refused };
}
