import { formatType, tensor } from '../tensor/types.js';
import type { InferResult } from '../semantic/primitives.js';
import { dense, ok, operand, tensorParam, typeError, type OpDefinition } from './opSchema.js';
import { keepChoices, maxNgrams, normalizeChoices, stopwordLists, stopwordsOf, tokenWidth } from './textTokens.js';

/**
 * Feature transforms that need data: `zscore`, `impute` and `bucketize` statistics and `vocab`
 * tables are fitted in a pre-pass over the training split and stored in the op's
 * attributes (null until then). `hash_bucket` and `tokenize` work on strings, so they run
 * outside the ONNX graph, as documented in the artifact's manifest.
 */
/** How `impute` chooses the value a missing entry takes. */
export const imputeStrategies: readonly string[] = ['mean', 'median', 'mode', 'constant'];

/** How `term_weight` weighs a term that appears `c` times in a text. */
export const termWeightSchemes: readonly string[] = ['count', 'log', 'tfidf'];

export const preprocessOps: readonly OpDefinition[] = [
  {
    name: 'zscore',
    family: 'preprocess',
    grad: 'none',
    doc: '(x - mean) / std with mean and std fitted on the training split (one of each per column of a feature group)',
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
    doc: 'a missing value (NaN) replaced by `value`: the `mean`, `median` or `mode` of the training split, or a given `constant`; with `indicator: true` a second column is 1 where the value was missing; a feature group gets one `value` per column, and its indicators after its values',
    params: [
      tensorParam('x'),
      { name: 'strategy', kind: 'string', default: 'mean' },
      { name: 'value', kind: 'float', default: null },
      { name: 'indicator', kind: 'bool', default: false },
    ],
    infer(input) {
      const x = dense(input, 'x');
      const width = x?.shape[1];
      if (!x || x.dtype !== 'f32' || x.shape.length !== 2 || typeof width !== 'number')
        return typeError(
          `fills missing values of a number feature \`f32[B, 1]\` or a group \`f32[B, n]\`, not \`${x ? formatType(x) : 'sparse'}\``,
          ['x'],
        );
      const strategy = input.attrs['strategy'];
      if (typeof strategy !== 'string' || !imputeStrategies.includes(strategy))
        return typeError(
          `\`strategy\` is ${imputeStrategies.map((s) => `\`"${s}"\``).join(', ')}, not \`${JSON.stringify(strategy)}\``,
          [],
          'strategy',
        );
      if (strategy === 'constant' && typeof input.attrs['value'] !== 'number')
        return typeError('`strategy: "constant"` needs the `value` it fills in', [], 'strategy');
      // A group's indicators follow its values: `[v1..vn, m1..mn]`.
      return ok(tensor('f32', [x.shape[0]!, input.attrs['indicator'] === true ? 2 * width : width]));
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
    doc: 'strings to ids by a vocabulary of the `max` most frequent training values (seen at least `min_count` times; with `shared`, counted over every feature naming that vocabulary): 0 for a missing value, 1..oov for the rest (hashed), then the vocabulary in order',
    params: [
      tensorParam('x'),
      { name: 'max', kind: 'int', default: 100000 },
      { name: 'oov', kind: 'int', default: 1 },
      { name: 'min_count', kind: 'int', default: 1 },
      { name: 'vocabulary', kind: 'any', default: null },
      { name: 'shared', kind: 'string', default: null },
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
    name: 'term_weight',
    family: 'preprocess',
    grad: 'none',
    doc: 'token ids `i32[B, L]` (0 padding) as a weighted bag: a term that appears `c` times weighs `c` (`"count"`), `ln(1 + c)` (`"log"`) or `c * idf` (`"tfidf"`, `idf = ln((1 + n) / (1 + df)) + 1` over the `n` training rows, `df` of them holding the term), spread evenly over its positions',
    params: [
      tensorParam('x'),
      { name: 'scheme', kind: 'string', default: 'count' },
      { name: 'idf_ids', kind: 'ints', default: null },
      { name: 'idf', kind: 'floats', default: null },
      { name: 'idf_default', kind: 'float', default: null },
    ],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || (x.dtype !== 'i32' && x.dtype !== 'i64') || x.shape.length !== 2 || x.vocab === undefined)
        return typeError(
          `weighs the token ids of \`tokens(...) |> hash\` or \`|> vocab\`, \`i32[B, L]\`, not \`${x ? formatType(x) : 'sparse'}\``,
          ['x'],
        );
      const scheme = input.attrs['scheme'];
      if (typeof scheme !== 'string' || !termWeightSchemes.includes(scheme))
        return typeError(
          `\`scheme\` is ${termWeightSchemes.map((s) => `\`"${s}"\``).join(', ')}, not \`${JSON.stringify(scheme)}\``,
          [],
          'scheme',
        );
      return ok({ kind: 'sparse', keys: 'id', vocab: x.vocab, weighted: true });
    },
  },
  {
    name: 'tokenize',
    family: 'preprocess',
    grad: 'none',
    doc: 'splits text into words (markup stripped with `strip_html`, NFKC with `normalize: "nfkc"`, lowercased unless `lower: false`, `stopwords` dropped), keeps the first, last or a hashed sample of `max` (`keep`: "first", "last", "sample"), adds the word k-grams up to `ngrams`, padded with empty strings',
    params: [
      tensorParam('x'),
      { name: 'max', kind: 'int' },
      { name: 'lower', kind: 'bool', default: true },
      { name: 'ngrams', kind: 'int', default: 1 },
      { name: 'keep', kind: 'string', default: 'first' },
      { name: 'normalize', kind: 'string', default: 'none' },
      { name: 'strip_html', kind: 'bool', default: false },
      { name: 'stopwords', kind: 'any', default: null },
    ],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'string' || x.shape.length !== 1) return typeError('splits a text feature `string[B]`', ['x']);
      const max = input.attrs['max'] as number;
      if (!(max >= 1)) return typeError(`\`max\` must be at least 1, not ${max}`, [], 'max');
      const ngrams = input.attrs['ngrams'] as number;
      if (!(ngrams >= 1 && ngrams <= maxNgrams))
        return typeError(`\`ngrams\` must be between 1 and ${maxNgrams}, not ${ngrams}`, [], 'ngrams');
      const choice = (name: string, choices: readonly string[]): InferResult | null => {
        const v = input.attrs[name];
        return typeof v === 'string' && choices.includes(v)
          ? null
          : typeError(`\`${name}\` is ${choices.map((c) => `\`"${c}"\``).join(' or ')}, not \`${JSON.stringify(v)}\``, [], name);
      };
      const bad = choice('keep', keepChoices) ?? choice('normalize', normalizeChoices);
      if (bad) return bad;
      if (stopwordsOf(input.attrs['stopwords']) === undefined)
        return typeError(
          `\`stopwords\` is a list of words or the name of a built-in list (${[...stopwordLists.keys()].map((k) => `\`"${k}"\``).join(', ')}), not \`${JSON.stringify(input.attrs['stopwords'])}\``,
          [],
          'stopwords',
        );
      return ok(tensor('string', [x.shape[0]!, tokenWidth(max, ngrams)]));
    },
  },
];
