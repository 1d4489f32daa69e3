import { formatType, tensor } from '../tensor/types.js';
import { dense, ok, operand, tensorParam, typeError, type OpDefinition } from './opSchema.js';

/**
 * Feature transforms that need data: `zscore`, `impute` and `bucketize` statistics and `vocab`
 * tables are fitted in a pre-pass over the training split and stored in the op's
 * attributes (null until then). `hash_bucket` and `tokenize` work on strings, so they run
 * outside the ONNX graph, as documented in the artifact's manifest.
 */
/** How `impute` chooses the value a missing entry takes. */
export const imputeStrategies: readonly string[] = ['mean', 'median', 'mode', 'constant'];

export const preprocessOps: readonly OpDefinition[] = [
  {
    name: 'zscore',
    family: 'preprocess',
    grad: 'none',
    doc: '(x - mean) / std with mean and std fitted on the training split',
    params: [tensorParam('x'), { name: 'mean', kind: 'float', default: null }, { name: 'std', kind: 'float', default: null }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError(`takes a continuous feature, not \`${x ? formatType(x) : 'sparse'}\``, ['x']);
      return ok(x);
    },
  },
  {
    name: 'impute',
    family: 'preprocess',
    grad: 'none',
    doc: 'a missing value (NaN) replaced by `value`: the `mean`, `median` or `mode` of the training split, or a given `constant`; with `indicator: true` a second column is 1 where the value was missing',
    params: [
      tensorParam('x'),
      { name: 'strategy', kind: 'string', default: 'mean' },
      { name: 'value', kind: 'float', default: null },
      { name: 'indicator', kind: 'bool', default: false },
    ],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32' || x.shape.length !== 2 || x.shape[1] !== 1)
        return typeError(`fills missing values of a scalar feature \`f32[B, 1]\`, not \`${x ? formatType(x) : 'sparse'}\``, ['x']);
      const strategy = input.attrs['strategy'];
      if (typeof strategy !== 'string' || !imputeStrategies.includes(strategy))
        return typeError(
          `\`strategy\` is ${imputeStrategies.map((s) => `\`"${s}"\``).join(', ')}, not \`${JSON.stringify(strategy)}\``,
          [],
          'strategy',
        );
      if (strategy === 'constant' && typeof input.attrs['value'] !== 'number')
        return typeError('`strategy: "constant"` needs the `value` it fills in', [], 'strategy');
      return ok(tensor('f32', [x.shape[0]!, input.attrs['indicator'] === true ? 2 : 1]));
    },
  },
  {
    name: 'bucketize',
    family: 'preprocess',
    grad: 'none',
    doc: 'the index of the bucket holding x: `bins` quantile buckets fitted on the training split, or explicit `boundaries`',
    params: [tensorParam('x'), { name: 'bins', kind: 'int', default: null }, { name: 'boundaries', kind: 'floats', default: null }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError(`takes a continuous feature, not \`${x ? formatType(x) : 'sparse'}\``, ['x']);
      const boundaries = input.attrs['boundaries'] as number[] | null;
      // Fitting fills `boundaries` and keeps `bins`, so the id space (the type) does not change.
      const bins = (input.attrs['bins'] as number | null) ?? (boundaries ? boundaries.length + 1 : null);
      if (bins === null) return typeError('needs `bins` (fitted quantiles) or `boundaries`', [], 'bins');
      if (!(bins >= 2)) return typeError('needs at least 2 buckets', [], 'bins');
      const shape = x.shape.length === 2 && x.shape[1] === 1 ? [x.shape[0]!] : x.shape;
      return ok(tensor('i32', shape, bins), { bins });
    },
  },
  {
    name: 'hash_bucket',
    family: 'preprocess',
    grad: 'none',
    doc: 'string keys to ids in [0, 2^bits) by the documented hash; the empty string (padding) maps to 0',
    params: [
      { name: 'x', kind: 'sparse' },
      { name: 'bits', kind: 'int' },
    ],
    infer(input) {
      const x = operand(input, 'x');
      const bits = input.attrs['bits'] as number;
      if (!(bits >= 1 && bits <= 30)) return typeError(`\`bits\` must be between 1 and 30, not ${bits}`, [], 'bits');
      const vocab = 2 ** bits;
      if (x?.kind === 'sparse') {
        if (x.keys !== 'string') return typeError('these ids are already hashed', ['x']);
        return ok({ kind: 'sparse', keys: 'id', vocab, weighted: x.weighted });
      }
      if (!x || x.dtype !== 'string') return typeError(`hashes strings, not \`${x ? formatType(x) : '?'}\``, ['x']);
      return ok(tensor('i32', x.shape, vocab));
    },
  },
  {
    name: 'vocab_lookup',
    family: 'preprocess',
    grad: 'none',
    doc: 'strings to ids by a vocabulary of the `max` most frequent training values (seen at least `min_count` times): 0 for a missing value, 1..oov for the rest (hashed), then the vocabulary in order',
    params: [
      tensorParam('x'),
      { name: 'max', kind: 'int', default: 100000 },
      { name: 'oov', kind: 'int', default: 1 },
      { name: 'min_count', kind: 'int', default: 1 },
      { name: 'vocabulary', kind: 'any', default: null },
    ],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'string') return typeError(`looks up strings, not \`${x ? formatType(x) : 'sparse'}\``, ['x']);
      const max = input.attrs['max'] as number;
      const oov = input.attrs['oov'] as number;
      if (!(max >= 1) || !(oov >= 1)) return typeError('`max` and `oov` must be at least 1', [], max >= 1 ? 'oov' : 'max');
      return ok(tensor('i32', x.shape, 1 + oov + max));
    },
  },
  {
    name: 'tokenize',
    family: 'preprocess',
    grad: 'none',
    doc: 'splits text into at most `max` tokens (lowercased unless `lower: false`), padded with empty strings',
    params: [tensorParam('x'), { name: 'max', kind: 'int' }, { name: 'lower', kind: 'bool', default: true }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'string' || x.shape.length !== 1) return typeError('splits a text feature `string[B]`', ['x']);
      return ok(tensor('string', [x.shape[0]!, input.attrs['max'] as number]));
    },
  },
];
