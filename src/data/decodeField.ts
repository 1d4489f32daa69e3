import type { AttrValue } from '../tensor/attrValue.js';
import type { RawValue } from './readRows.js';

/** One feature's value for one example, after parsing and before transforms. */
export type FieldValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'keys'; readonly keys: readonly string[]; readonly values: readonly number[] | null }
  | { readonly kind: 'vector'; readonly values: readonly number[] }
  | { readonly kind: 'tokens'; readonly tokens: readonly string[] }
  /** Integer ids after `hash` or `vocab`: one per key or token, with weights for weighted keys. */
  | { readonly kind: 'ids'; readonly ids: readonly number[]; readonly values: readonly number[] | null };

/** What a feature declaration asks of its column. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: string;
  readonly args: Readonly<Record<string, AttrValue>>;
  readonly default: AttrValue;
}

export type Decoded = { readonly ok: true; readonly value: FieldValue } | { readonly ok: false; readonly expected: string };

const missing = (v: RawValue | undefined): boolean => v === undefined || v === null || v === '';

function number(v: RawValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** `a|b|c` in CSV, an array in JSON. */
function list(v: RawValue): RawValue[] | undefined {
  if (Array.isArray(v)) return v as RawValue[];
  if (typeof v === 'string') return v.split('|').filter((s) => s !== '');
  return undefined;
}

function fromDefault(spec: FieldSpec): FieldValue {
  const d = spec.default;
  switch (spec.kind) {
    case 'string':
    case 'text':
      return { kind: 'string', value: String(d ?? '') };
    case 'sparse_binary':
    case 'sparse_continuous':
      return { kind: 'keys', keys: [], values: spec.kind === 'sparse_continuous' ? [] : null };
    case 'sequence':
      return { kind: 'tokens', tokens: [] };
    case 'tensor':
    case 'embedding': {
      const size = spec.kind === 'embedding' ? Number(spec.args['dim']) : (spec.args['dim'] as number[]).reduce((p, q) => p * q, 1);
      return { kind: 'vector', values: new Array<number>(size).fill(Number(d ?? 0)) };
    }
    default:
      // No default (a field that `impute`s): the value stays missing, NaN, until `impute` fills it.
      return { kind: 'number', value: d === null ? NaN : Number(d) };
  }
}

/**
 * Parses one column's value for a feature of the given kind. A missing value (absent,
 * empty, null) takes the declaration's default; a value of the wrong shape is an error
 * naming what was expected.
 */
export function decodeField(spec: FieldSpec, raw: RawValue | undefined): Decoded {
  if (missing(raw)) return { ok: true, value: fromDefault(spec) };
  const v = raw!;
  switch (spec.kind) {
    case 'continuous':
    case 'sample_weight': {
      const n = number(v);
      if (n === undefined || (spec.kind === 'sample_weight' && n < 0))
        return { ok: false, expected: spec.kind === 'sample_weight' ? 'a non-negative number' : 'a number' };
      return { ok: true, value: { kind: 'number', value: n } };
    }
    case 'binary': {
      const n = typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? (v.trim().toLowerCase() === 'true' ? 1 : 0) : number(v);
      if (n !== 0 && n !== 1) return { ok: false, expected: '0 or 1' };
      return { ok: true, value: { kind: 'number', value: n } };
    }
    case 'discrete': {
      const n = number(v);
      const size = Number(spec.args['n']);
      if (n === undefined || !Number.isInteger(n) || n < 0 || n >= size) return { ok: false, expected: `an integer from 0 to ${size - 1}` };
      return { ok: true, value: { kind: 'number', value: n } };
    }
    case 'string':
    case 'text':
      if (typeof v === 'object') return { ok: false, expected: 'a string' };
      return { ok: true, value: { kind: 'string', value: String(v) } };
    case 'sparse_binary': {
      const keys = list(v);
      if (!keys || keys.some((k) => typeof k === 'object')) return { ok: false, expected: 'keys separated by `|` (or a JSON array)' };
      return { ok: true, value: { kind: 'keys', keys: keys.map(String), values: null } };
    }
    case 'sparse_continuous': {
      const keys: string[] = [];
      const values: number[] = [];
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        for (const [k, x] of Object.entries(v as Record<string, RawValue>)) {
          const n = number(x);
          if (n === undefined) return { ok: false, expected: 'numbers as the values of the object' };
          keys.push(k);
          values.push(n);
        }
      } else if (typeof v === 'string') {
        for (const pair of v.split('|').filter((s) => s !== '')) {
          const at = pair.lastIndexOf(':');
          const n = at < 0 ? undefined : number(pair.slice(at + 1));
          if (n === undefined) return { ok: false, expected: '`key:value` pairs separated by `|` (or a JSON object)' };
          keys.push(pair.slice(0, at));
          values.push(n);
        }
      } else return { ok: false, expected: '`key:value` pairs separated by `|` (or a JSON object)' };
      return { ok: true, value: { kind: 'keys', keys, values } };
    }
    case 'sequence': {
      const tokens = list(v);
      if (!tokens || tokens.some((k) => typeof k === 'object')) return { ok: false, expected: 'tokens separated by `|` (or a JSON array)' };
      return { ok: true, value: { kind: 'tokens', tokens: tokens.map(String) } };
    }
    case 'tensor':
    case 'embedding': {
      const size = spec.kind === 'embedding' ? Number(spec.args['dim']) : (spec.args['dim'] as number[]).reduce((p, q) => p * q, 1);
      const parts = Array.isArray(v) ? (v as RawValue[]).flat(8) : typeof v === 'string' ? v.trim().split(/[\s|]+/) : [v];
      const values = parts.map((p) => number(p as RawValue));
      if (values.length !== size || values.some((x) => x === undefined)) return { ok: false, expected: `${size} numbers` };
      return { ok: true, value: { kind: 'vector', values: values as number[] } };
    }
    default:
      return { ok: false, expected: `a value of kind \`${spec.kind}\`` };
  }
}
