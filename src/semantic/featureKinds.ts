import type { AttrValue } from '../tensor/attrValue.js';
import type { PrimitiveParam } from './primitives.js';
import { tensor, type SparseType, type TensorType } from '../tensor/types.js';

/**
 * The kinds of a DeepBird DataRecord, as written after `:` in `features` and `labels`:
 * what a column holds raw, the arguments the kind takes, and the default for a missing
 * value. Transforms (`|> hash(bits: 12)`) are ops, typed by the op registry.
 */
export interface FeatureKind {
  readonly name: string;
  readonly params: readonly PrimitiveParam[];
  /** Whether the kind may be a label, a feature, or both. */
  readonly roles: readonly ('feature' | 'label')[];
  readonly doc: string;
  /** The raw type read from data, given the kind's arguments. */
  rawType(args: Readonly<Record<string, AttrValue>>): TensorType | SparseType;
  /** The default a missing value takes when the declaration gives none. */
  readonly defaultValue: AttrValue;
}

const B = 'B';

/**
 * The columns a field reads from a row: a group's list, else the column of its own name. A
 * group's pattern (`columns: "px_*"`) reads none until the data stage resolves it against the header.
 */
export function fieldColumns(name: string, args: Readonly<Record<string, AttrValue>>): readonly string[] {
  const columns = args['columns'];
  return Array.isArray(columns) ? columns.map(String) : typeof columns === 'string' ? [] : [name];
}

/**
 * The width of a feature group (`continuous(columns: [...])` or `continuous(n: 30, columns: "px_*")`):
 * its `n`, else the length of its column list; undefined for a one-column feature.
 */
export function groupWidth(args: Readonly<Record<string, AttrValue>>): number | undefined {
  if (typeof args['n'] === 'number') return args['n'];
  return Array.isArray(args['columns']) ? args['columns'].length : undefined;
}

export const featureKinds: ReadonlyMap<string, FeatureKind> = new Map(
  (
    [
      {
        name: 'binary',
        params: [{ name: 'downsample_neg', kind: 'float', default: 1 }],
        roles: ['feature', 'label'],
        doc: 'a 0/1 value; as a label, `downsample_neg` is the fraction of negatives kept, corrected at inference',
        rawType: () => tensor('f32', [B, 1]),
        defaultValue: 0,
      },
      {
        name: 'continuous',
        params: [
          { name: 'columns', kind: 'any', default: null },
          { name: 'n', kind: 'int', default: null },
        ],
        roles: ['feature', 'label'],
        doc: 'a real number; with `columns`, a group of numeric columns read as one vector',
        rawType: (a) => tensor('f32', [B, groupWidth(a) ?? 1]),
        defaultValue: 0,
      },
      {
        name: 'discrete',
        params: [{ name: 'n', kind: 'int' }],
        roles: ['feature', 'label'],
        doc: 'an integer id in `[0, n)`',
        rawType: (a) => tensor('i32', [B], Number(a['n'])),
        defaultValue: 0,
      },
      {
        name: 'string',
        params: [],
        roles: ['feature'],
        doc: 'a categorical string; `hash` or `vocab` turns it into ids',
        rawType: () => tensor('string', [B]),
        defaultValue: '',
      },
      {
        name: 'sparse_binary',
        params: [],
        roles: ['feature'],
        doc: 'a set of string keys per example; `hash` turns it into sparse ids',
        rawType: (): SparseType => ({ kind: 'sparse', keys: 'string', vocab: 0, weighted: false }),
        defaultValue: [],
      },
      {
        name: 'sparse_continuous',
        params: [],
        roles: ['feature'],
        doc: 'string keys with a real value each; `hash` turns it into weighted sparse ids',
        rawType: (): SparseType => ({ kind: 'sparse', keys: 'string', vocab: 0, weighted: true }),
        defaultValue: [],
      },
      {
        name: 'tensor',
        params: [{ name: 'dim', kind: 'ints' }],
        roles: ['feature'],
        doc: 'a dense float vector or tensor of a fixed shape, such as a precomputed embedding',
        rawType: (a) => tensor('f32', [B, ...(a['dim'] as number[])]),
        defaultValue: 0,
      },
      {
        name: 'embedding',
        params: [{ name: 'dim', kind: 'int' }],
        roles: ['feature'],
        doc: 'a dense float vector of length `dim`',
        rawType: (a) => tensor('f32', [B, Number(a['dim'])]),
        defaultValue: 0,
      },
      {
        name: 'text',
        params: [],
        roles: ['feature'],
        doc: 'free text; `tokens(max: n)` splits it into a token sequence',
        rawType: () => tensor('string', [B]),
        defaultValue: '',
      },
      {
        name: 'sequence',
        params: [{ name: 'max', kind: 'int' }],
        roles: ['feature'],
        doc: 'a list of string tokens, padded or cut to `max`',
        rawType: (a) => tensor('string', [B, Number(a['max'])]),
        defaultValue: [],
      },
      {
        name: 'sample_weight',
        params: [],
        roles: ['label'],
        doc: 'a per-example weight for the loss',
        rawType: () => tensor('f32', [B, 1]),
        defaultValue: 1,
      },
    ] satisfies FeatureKind[]
  ).map((k) => [k.name, k]),
);

/** Transform names in `features` pipelines and the ops that implement them. */
export const transformOps: ReadonlyMap<string, string> = new Map([
  ['log1p', 'log1p'],
  ['clip', 'clip'],
  ['zscore', 'zscore'],
  ['bucketize', 'bucketize'],
  ['hash', 'hash_bucket'],
  ['vocab', 'vocab_lookup'],
  ['tokens', 'tokenize'],
  ['impute', 'impute'],
  ['term_weight', 'term_weight'],
]);
