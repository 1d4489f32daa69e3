import type { AttrValue } from '../tensor/attrValue.js';
import { birdHashSeed } from './hashBucket.js';
import { murmur3x86_32 } from './murmur3.js';
import type { RawRow } from './readRows.js';

export type Part = 'train' | 'test';

/** How rows are divided between training and evaluation, from `split:` of the data setting. */
export type SplitRule =
  | { readonly kind: 'stride'; readonly every: number; readonly offset: number }
  | { readonly kind: 'hash'; readonly key: string; readonly fraction: number }
  | { readonly kind: 'date'; readonly column: string; readonly testFrom: string }
  | { readonly kind: 'none' };

const encoder = new TextEncoder();

/**
 * Reads a split from its constructor call: `holdout(every: 6, offset: 5)` (row i is a test
 * row when i % 6 == 5, rows counted from 0 in file order), `holdout(fraction: 0.2, key:
 * "id")` (by a hash of the key column, so a row's side never changes), or
 * `by_date(column: "date", test_from: "2001-06-01")`.
 */
export function splitRule(split: AttrValue | undefined): SplitRule {
  if (split === undefined || split === null) return { kind: 'none' };
  const record = split as { fn?: string; args?: Record<string, AttrValue> };
  const args = record.args ?? {};
  if (record.fn === 'by_date') return { kind: 'date', column: String(args['column']), testFrom: String(args['test_from']) };
  if (record.fn === 'holdout' && args['key'] !== undefined) return { kind: 'hash', key: String(args['key']), fraction: Number(args['fraction'] ?? 0.2) };
  if (record.fn === 'holdout') {
    const every = Number(args['every'] ?? 5);
    return { kind: 'stride', every, offset: Number(args['offset'] ?? every - 1) };
  }
  return { kind: 'none' };
}

/** Which part a row belongs to; `index` counts data rows from 0 in file order. */
export function partOf(rule: SplitRule, index: number, row: RawRow): Part {
  switch (rule.kind) {
    case 'stride':
      return index % rule.every === rule.offset ? 'test' : 'train';
    case 'hash': {
      const key = String(row.values.get(rule.key) ?? '');
      return murmur3x86_32(encoder.encode(key), birdHashSeed) / 4294967296 < rule.fraction ? 'test' : 'train';
    }
    case 'date':
      return String(row.values.get(rule.column) ?? '') >= rule.testFrom ? 'test' : 'train';
    case 'none':
      return 'train';
  }
}
