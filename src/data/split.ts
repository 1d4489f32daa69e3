import type { AttrValue } from '../tensor/attrValue.js';
import { birdHashSeed } from './hashBucket.js';
import { murmur3x86_32 } from '../ops/murmur3.js';
import type { RawRow } from './readRows.js';

/**
 * The parts of a data source: `train` fits the transforms and the weights; `validation`,
 * when the split has one, is evaluated after every epoch (early stopping and the best
 * epoch watch it) and `test` once at the end; without a validation part, `test` is the
 * part evaluated after every epoch.
 */
export type Part = 'train' | 'validation' | 'test';

/** How rows are divided between the parts, from `split:` of the data setting. */
export type SplitRule =
  | { readonly kind: 'stride'; readonly every: number; readonly offset: number; readonly validationOffset?: number }
  /** By a hash of the key column, or of the row's number when `key` is absent. */
  | { readonly kind: 'hash'; readonly key?: string; readonly fraction: number; readonly validation?: number }
  | { readonly kind: 'date'; readonly column: string; readonly testFrom: string; readonly validationFrom?: string }
  | { readonly kind: 'none' };

const encoder = new TextEncoder();

/**
 * Reads a split from its constructor call: `holdout(every: 6, offset: 5)` (row i is a test
 * row when i % 6 == 5, rows counted from 0 in file order), `holdout(fraction: 0.2, key:
 * "id")` (by a hash of the key column, so a row's side never changes), `holdout(fraction:
 * 0.2)` (by a hash of the row's number), or `by_date(column: "date", test_from:
 * "2001-06-01")`. `validation_offset:`, `validation:` and `validation_from:` add a
 * validation part. The semantic rule `train-setting-values` refuses the combinations that
 * cannot be honoured (`every` with `fraction`), so every argument read here takes effect.
 */
export function splitRule(split: AttrValue | undefined): SplitRule {
  if (split === undefined || split === null) return { kind: 'none' };
  const record = split as { fn?: string; args?: Record<string, AttrValue> };
  const args = record.args ?? {};
  if (record.fn === 'by_date') {
    return {
      kind: 'date',
      column: String(args['column']),
      testFrom: String(args['test_from']),
      ...(args['validation_from'] !== undefined ? { validationFrom: String(args['validation_from']) } : {}),
    };
  }
  if (record.fn === 'holdout' && (args['key'] !== undefined || args['fraction'] !== undefined || args['validation'] !== undefined)) {
    return {
      kind: 'hash',
      ...(args['key'] !== undefined ? { key: String(args['key']) } : {}),
      fraction: Number(args['fraction'] ?? 0.2),
      ...(args['validation'] !== undefined ? { validation: Number(args['validation']) } : {}),
    };
  }
  if (record.fn === 'holdout') {
    const every = Number(args['every'] ?? 5);
    return {
      kind: 'stride',
      every,
      offset: Number(args['offset'] ?? every - 1),
      ...(args['validation_offset'] !== undefined ? { validationOffset: Number(args['validation_offset']) } : {}),
    };
  }
  return { kind: 'none' };
}

/** Whether a split rule sets rows aside for validation. */
export function hasValidation(rule: SplitRule): boolean {
  return (
    (rule.kind === 'stride' && rule.validationOffset !== undefined) ||
    (rule.kind === 'hash' && rule.validation !== undefined) ||
    (rule.kind === 'date' && rule.validationFrom !== undefined)
  );
}

/** Where a row falls in [0, 1) for a hash split: its key's hash, or its number's (`split:INDEX`, not the downsampling's `row:INDEX`, so the two draws are independent). */
export function splitPoint(rule: { readonly key?: string }, index: number, row: RawRow): number {
  const text = rule.key === undefined ? `split:${index}` : String(row.values.get(rule.key) ?? '');
  return murmur3x86_32(encoder.encode(text), birdHashSeed) / 4294967296;
}

/** Which part a row belongs to; `index` counts data rows from 0 in file order. */
export function partOf(rule: SplitRule, index: number, row: RawRow): Part {
  switch (rule.kind) {
    case 'stride': {
      const at = index % rule.every;
      return at === rule.offset ? 'test' : at === rule.validationOffset ? 'validation' : 'train';
    }
    case 'hash': {
      const point = splitPoint(rule, index, row);
      return point < rule.fraction ? 'test' : point < rule.fraction + (rule.validation ?? 0) ? 'validation' : 'train';
    }
    case 'date': {
      const value = String(row.values.get(rule.column) ?? '');
      return value >= rule.testFrom ? 'test' : rule.validationFrom !== undefined && value >= rule.validationFrom ? 'validation' : 'train';
    }
    case 'none':
      return 'train';
  }
}

/** A split rule written back as Bird source, for the report. */
export function describeSplit(rule: SplitRule): string {
  switch (rule.kind) {
    case 'stride':
      return `holdout(every: ${rule.every}, offset: ${rule.offset}${rule.validationOffset !== undefined ? `, validation_offset: ${rule.validationOffset}` : ''})`;
    case 'hash':
      return `holdout(fraction: ${rule.fraction}${rule.validation !== undefined ? `, validation: ${rule.validation}` : ''}${rule.key !== undefined ? `, key: ${JSON.stringify(rule.key)}` : ''})`;
    case 'date':
      return `by_date(column: ${JSON.stringify(rule.column)}, test_from: ${JSON.stringify(rule.testFrom)}${rule.validationFrom !== undefined ? `, validation_from: ${JSON.stringify(rule.validationFrom)}` : ''})`;
    case 'none':
      return 'none (no evaluation part)';
  }
}
