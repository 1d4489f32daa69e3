/**
 * JSON with two-space indentation whose arrays of numbers, strings, booleans and nulls stay
 * on one line: a vocabulary or a tensor's data is one line, not one line per element, so
 * the files stay readable and diffable. The output depends only on the value (and on its
 * key order), which keeps artifacts byte-for-byte reproducible.
 */
export function formatJson(value: unknown): string {
  return `${format(value, '')}\n`;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function format(value: unknown, indent: string): string {
  if (isScalar(value)) return scalar(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isScalar)) return `[${value.map(scalar).join(', ')}]`;
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
}

function scalar(v: unknown): string {
  // JSON.stringify turns NaN and infinities into null silently; callers encode them first.
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`internal error: ${String(v)} cannot be written as JSON`);
  return JSON.stringify(v) ?? 'null';
}
