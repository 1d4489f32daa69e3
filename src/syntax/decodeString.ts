import type { Span } from '../source/span.js';

export interface EscapeError {
  readonly text: string;
  readonly span: Span;
  readonly unicode: boolean;
}

const simpleEscapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"' };

/** Unescapes a string literal as written (with its quotes); `offset` is where the literal starts. */
export function decodeString(raw: string, offset: number): { value: string; errors: EscapeError[] } {
  const errors: EscapeError[] = [];
  let value = '';
  const end = raw.length - 1;
  for (let i = 1; i < end; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = raw[i + 1] ?? '';
    const simple = simpleEscapes[next];
    if (simple !== undefined) {
      value += simple;
      i++;
      continue;
    }
    if (next === 'u') {
      const m = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(raw.slice(i));
      const code = m ? parseInt(m[1]!, 16) : NaN;
      if (m && code <= 0x10ffff) {
        value += String.fromCodePoint(code);
        i += m[0].length - 1;
        continue;
      }
      const bad = /^\\u(\{[^}"]*\}?)?/.exec(raw.slice(i))![0];
      errors.push({ text: bad, span: { start: offset + i, end: offset + i + bad.length }, unicode: true });
      i += bad.length - 1;
      continue;
    }
    errors.push({ text: `\\${next}`, span: { start: offset + i, end: offset + i + 1 + next.length }, unicode: false });
    i++;
  }
  return { value, errors };
}
