import type { IrNode } from '../../ir/ir.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { DType, TensorType } from '../../tensor/types.js';
import { floatAttr, intAttr, intsAttr, stringsAttr, type ElemTypeName, type OnnxGraphBuilder } from './onnxGraphBuilder.js';
import { OnnxExportError, UnsupportedOnnxOp } from './onnxExportError.js';
import { mlDomain } from './onnxVersions.js';

/** A sparse value in the graph: padded ids `[batch, length]` and their weights (0 at padding). */
export interface SparseValue {
  readonly ids: string;
  readonly weights: string;
}

/** What an emitter sees of the node it lowers and of the graph around it. */
export interface EmitContext {
  readonly b: OnnxGraphBuilder;
  readonly node: IrNode;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** ONNX value names of the node's inputs (empty string for a sparse input). */
  readonly inputs: readonly string[];
  /** The IR type of dense input `i`. */
  inputType(i: number): TensorType;
  /** Input `i` when it is sparse ids. */
  sparseInput(i: number): SparseValue | undefined;
  /** For `vocab_lookup` in a feature's pipeline: the id the empty string (a missing value) gets, and the input carrying string hashes for `oov` > 1. */
  vocabFeature(): { readonly missingId: number; readonly hashInput: string | null } | undefined;
}

/** Lowers one IR node to ONNX nodes; returns the name of the value holding its result. */
export type OnnxEmitter = (ctx: EmitContext) => string;

/** The ONNX element type that carries an IR dtype: integers of every width travel as int64. */
export function onnxElemType(dtype: DType): ElemTypeName {
  switch (dtype) {
    case 'f32':
      return 'float32';
    case 'i32':
    case 'i64':
      return 'int64';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
  }
}

const isInt = (t: TensorType): boolean => t.dtype === 'i32' || t.dtype === 'i64';
const num = (a: Readonly<Record<string, AttrValue>>, k: string): number => Number(a[k]);

const simple =
  (opType: string): OnnxEmitter =>
  ({ b, inputs }) =>
    b.op(opType, inputs);

/**
 * `sigmoid(x)` from `e = exp(-|x|)`: `1 / (1 + e)` for `x >= 0`, `e / (1 + e)` below. ONNX
 * Runtime's Sigmoid kernel is exactly 0 in float32 from x = -18 on (and twice too small at
 * -16) where TF.js gives 1.5e-8, which breaks a consumer's `log(p)`; this form follows
 * float32 down to its smallest values, as TF.js does.
 */
const sigmoid: OnnxEmitter = ({ b, inputs: [x] }) => {
  const e = b.op('Exp', [b.op('Neg', [b.op('Abs', [x!])])]);
  const r = b.op('Reciprocal', [b.op('Add', [b.f32(1), e])]);
  return b.op('Where', [b.op('GreaterOrEqual', [x!, b.f32(0)]), r, b.op('Mul', [e, r])]);
};

/** `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`, the form TF.js computes; ONNX's Gelu arrives only in opset 20. */
const gelu: OnnxEmitter = ({ b, inputs: [x] }) => {
  const cube = b.op('Mul', [b.op('Mul', [x!, x!]), x!]);
  const inner = b.op('Mul', [b.f32(Math.sqrt(2 / Math.PI)), b.op('Add', [x!, b.op('Mul', [b.f32(0.044715), cube])])]);
  return b.op('Mul', [b.op('Mul', [x!, b.f32(0.5)]), b.op('Add', [b.f32(1), b.op('Tanh', [inner])])]);
};

/** TF.js divides integers with floor division; ONNX Div truncates. `a - mod(a, b)` is an exact multiple of b, so truncating it is flooring. */
const div: OnnxEmitter = (ctx) => {
  const { b, inputs } = ctx;
  if (!isInt(ctx.inputType(0))) return b.op('Div', inputs);
  const rem = b.op('Mod', inputs, { fmod: intAttr(0) });
  return b.op('Div', [b.op('Sub', [inputs[0]!, rem]), inputs[1]!]);
};

/**
 * The remainder with the sign of b. Integer Mod (fmod 0) is exactly that; for floats ONNX
 * allows only fmod 1 (C's fmod), so TF.js's own correction is repeated:
 * `r = fmod(a, b); signs of a and b equal ? r : fmod(r + b, b)`.
 */
const mod: OnnxEmitter = (ctx) => {
  const { b, inputs } = ctx;
  const [a, d] = inputs as [string, string];
  if (isInt(ctx.inputType(0))) return b.op('Mod', [a, d], { fmod: intAttr(0) });
  const r = b.op('Mod', [a, d], { fmod: intAttr(1) });
  const zero = b.f32(0);
  const same = b.op('Equal', [b.op('Less', [a, zero]), b.op('Less', [d, zero])]);
  return b.op('Where', [same, r, b.op('Mod', [b.op('Add', [r, d]), d], { fmod: intAttr(1) })]);
};

const castTo: Readonly<Record<string, ElemTypeName>> = { f32: 'float32', i32: 'int64', i64: 'int64', bool: 'bool' };
const elemTypeNumber: Readonly<Record<ElemTypeName, number>> = { float32: 1, int64: 7, string: 8, bool: 9 };

function reduce(opType: string): OnnxEmitter {
  return ({ b, inputs, attrs }) => {
    const axes = attrs['axes'] as number[];
    // No axes reduces nothing in the IR (and on TF.js); ONNX would reduce every axis.
    if (axes.length === 0) return b.op('Identity', [inputs[0]!]);
    const keepdims = intAttr(attrs['keepdims'] === true ? 1 : 0);
    // Opset 17 takes ReduceSum's axes as an input, the other reductions' as an attribute.
    if (opType === 'ReduceSum') return b.op(opType, [inputs[0]!, b.i64s(axes)], { keepdims });
    return b.op(opType, [inputs[0]!], { axes: intsAttr(axes), keepdims });
  };
}

/** `x[i]` and `x[a:b:c]`: one Slice over the cut axes (bounds resolved against the static shape), then a Squeeze of the indexed ones. */
const slice: OnnxEmitter = (ctx) => {
  const { b, inputs } = ctx;
  const shape = ctx.inputType(0).shape;
  const spec = ctx.attrs['spec'] as readonly AttrValue[];
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const squeeze: number[] = [];
  spec.forEach((s, axis) => {
    const size = shape[axis];
    if (typeof size !== 'number') return; // a symbolic axis is only ever taken whole
    if (typeof s === 'number') {
      const i = s < 0 ? s + size : s;
      starts.push(i);
      ends.push(i + 1);
      steps.push(1);
      axes.push(axis);
      squeeze.push(axis);
      return;
    }
    const [start, stop, step] = s as [number | null, number | null, number];
    const norm = (i: number | null, fallback: number): number =>
      i === null ? fallback : i < 0 ? Math.max(0, i + size) : Math.min(i, size);
    const from = norm(start, 0);
    const to = norm(stop, size);
    if (from === 0 && to === size && step === 1) return;
    starts.push(from);
    ends.push(Math.max(from, to));
    steps.push(step);
    axes.push(axis);
  });
  let out = inputs[0]!;
  if (axes.length > 0) out = b.op('Slice', [out, b.i64s(starts), b.i64s(ends), b.i64s(axes), b.i64s(steps)]);
  if (squeeze.length > 0) out = b.op('Squeeze', [out, b.i64s(squeeze)]);
  return axes.length > 0 ? out : b.op('Identity', [out]);
};

/** Bag mean or sum of table rows with weights `[B, L]` (0 at padding); the mean divides by the number of present ids, at least 1, as TF.js does. */
function bag(b: OnnxGraphBuilder, table: string, ids: string, weights: string, combiner: string): string {
  const rows = b.op('Gather', [table, ids], { axis: intAttr(0) });
  const summed = b.op('ReduceSum', [b.op('Mul', [rows, b.op('Unsqueeze', [weights, b.i64s([-1])])]), b.i64s([1])], {
    keepdims: intAttr(0),
  });
  if (combiner === 'sum') return summed;
  const present = b.op('Cast', [b.op('Not', [b.op('Equal', [ids, b.i64(0)])])], { to: intAttr(elemTypeNumber.float32) });
  const count = b.op('Max', [b.op('ReduceSum', [present, b.i64s([1])], { keepdims: intAttr(1) }), b.f32(1)]);
  return b.op('Div', [summed, count]);
}

const embeddingLookup: OnnxEmitter = (ctx) => {
  const { b, inputs } = ctx;
  const combiner = String(ctx.attrs['combiner']);
  const table = inputs[1]!;
  const sparse = ctx.sparseInput(0);
  if (sparse) return bag(b, table, sparse.ids, sparse.weights, combiner);
  const ids = inputs[0]!;
  if (combiner === 'none' || ctx.inputType(0).shape.length === 1) return b.op('Gather', [table, ids], { axis: intAttr(0) });
  const weights = b.op('Cast', [b.op('Not', [b.op('Equal', [ids, b.i64(0)])])], { to: intAttr(elemTypeNumber.float32) });
  return bag(b, table, ids, weights, combiner);
};

/**
 * ONNX's OneHot counts a negative id from the end (-1 is the last class); TF.js gives it a
 * row of zeros, as for an id past the depth. Negative ids become `depth`, which OneHot
 * also gives zeros.
 */
const oneHot: OnnxEmitter = ({ b, inputs: [ids], attrs }) => {
  const depth = b.i64(num(attrs, 'depth'));
  const inRange = b.op('Where', [b.op('Less', [ids!, b.i64(0)]), depth, ids!]);
  return b.op('OneHot', [inRange, depth, b.constant('float32', [2], [0, 1])], { axis: intAttr(-1) });
};

/** `-(y log q + (1 - y) log(1 - q))` with `q = clip(p, eps, 1 - eps)`. */
const binaryCrossEntropy: OnnxEmitter = ({ b, inputs: [p, y], attrs }) => {
  const eps = num(attrs, 'eps');
  const q = b.op('Clip', [p!, b.f32(eps), b.f32(1 - eps)]);
  const one = b.f32(1);
  const pos = b.op('Mul', [y!, b.op('Log', [q])]);
  const neg = b.op('Mul', [b.op('Sub', [one, y!]), b.op('Log', [b.op('Sub', [one, q])])]);
  return b.op('Neg', [b.op('Add', [pos, neg])]);
};

/** `full` and `zeros`: the value expanded to `like`'s shape, or to its first axis followed by the `shape` attribute. */
function filled({ b, inputs: [like], attrs }: EmitContext, value: number): string {
  const likeShape = b.op('Shape', [like!]);
  const dims = attrs['shape'] as number[] | null;
  const shape =
    dims === null ? likeShape : b.op('Concat', [b.op('Slice', [likeShape, b.i64s([0]), b.i64s([1])]), b.i64s(dims)], { axis: intAttr(0) });
  return b.op('Expand', [b.f32(value), shape]);
}

/** `max(z, 0) - z y + softplus(-|z|)`: finite for every float32 logit, as TF.js computes it. */
const sigmoidCrossEntropy: OnnxEmitter = ({ b, inputs: [z, y] }) => {
  const tail = b.op('Softplus', [b.op('Neg', [b.op('Abs', [z!])])]);
  return b.op('Add', [b.op('Sub', [b.op('Relu', [z!]), b.op('Mul', [z!, y!])]), tail]);
};

const softmaxCrossEntropy: OnnxEmitter = (ctx) => {
  const { b, inputs } = ctx;
  const depth = ctx.inputType(0).shape[1];
  if (typeof depth !== 'number')
    throw new OnnxExportError('`softmax_cross_entropy` needs a fixed number of classes', 'softmax_cross_entropy', ctx.node.loc);
  // A negative label picks no class, as on TF.js (see `oneHot`), rather than counting from the end.
  const labels = b.op('Where', [b.op('Less', [inputs[1]!, b.i64(0)]), b.i64(depth), inputs[1]!]);
  const onehot = b.op('OneHot', [labels, b.i64(depth), b.constant('float32', [2], [0, 1])], { axis: intAttr(-1) });
  const picked = b.op('ReduceSum', [b.op('Mul', [onehot, b.op('LogSoftmax', [inputs[0]!], { axis: intAttr(-1) })]), b.i64s([-1])], {
    keepdims: intAttr(0),
  });
  return b.op('Neg', [picked]);
};

/**
 * A fitted statistic as a constant: a scalar, or one value per column of a feature group (per
 * element of a vector feature), shaped as one example so that it broadcasts over the batch.
 */
const stat = (ctx: EmitContext, v: AttrValue | undefined): string =>
  Array.isArray(v)
    ? ctx.b.constant(
        'float32',
        ctx
          .inputType(0)
          .shape.slice(1)
          .map((d) => (typeof d === 'number' ? d : v.length)),
        v as number[],
      )
    : ctx.b.f32(Number(v));

const isStat = (v: AttrValue | undefined): boolean => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

const zscore: OnnxEmitter = (ctx) => {
  const {
    b,
    inputs: [x],
    attrs,
    node,
  } = ctx;
  if (!isStat(attrs['mean']) || !isStat(attrs['std']))
    throw new OnnxExportError('`zscore` has no fitted mean and std; export the IR the data stage fitted', 'zscore', node.loc);
  return b.op('Div', [b.op('Sub', [x!, stat(ctx, attrs['mean'])]), stat(ctx, attrs['std'])]);
};

/**
 * A missing value (NaN: the client sends NaN for a missing number, and a field that
 * imputes declares no default to replace it with) becomes the fitted `value` (of its column,
 * in a feature group); with `indicator`, columns follow that are 1 where it was missing, as
 * the data stage packs them.
 */
const impute: OnnxEmitter = (ctx) => {
  const {
    b,
    inputs: [x],
    attrs,
    node,
  } = ctx;
  if (!isStat(attrs['value']))
    throw new OnnxExportError('`impute` has no fitted value; export the IR the data stage fitted', 'impute', node.loc);
  const missing = b.op('IsNaN', [x!]);
  const filled = b.op('Where', [missing, stat(ctx, attrs['value']), x!]);
  if (attrs['indicator'] !== true) return filled;
  return b.op('Concat', [filled, b.op('Cast', [missing], { to: intAttr(elemTypeNumber.float32) })], { axis: intAttr(1) });
};

/** The number of boundaries at or below x, as the data stage's binary search finds it; a `[B, 1]` input gives `[B]`. */
const bucketize: OnnxEmitter = (ctx) => {
  const { b, inputs, attrs, node } = ctx;
  const boundaries = attrs['boundaries'];
  if (!Array.isArray(boundaries))
    throw new OnnxExportError('`bucketize` has no fitted boundaries; export the IR the data stage fitted', 'bucketize', node.loc);
  const shape = ctx.inputType(0).shape;
  const x = shape.length === 2 && shape[1] === 1 ? b.op('Squeeze', [inputs[0]!, b.i64s([1])]) : inputs[0]!;
  const toInt = { to: intAttr(elemTypeNumber.int64) };
  if (boundaries.length === 0) return b.op('Cast', [b.op('Mul', [x, b.f32(0)])], toInt);
  const ge = b.op('GreaterOrEqual', [
    b.op('Unsqueeze', [x, b.i64s([-1])]),
    b.constant('float32', [boundaries.length], boundaries as number[]),
  ]);
  return b.op('ReduceSum', [b.op('Cast', [ge], toInt), b.i64s([-1])], { keepdims: intAttr(0) });
};

/**
 * Vocabulary ids by ai.onnx.ml LabelEncoder: `""` (missing) to the default's id, the
 * vocabulary to `oov + 1 + j`, anything else to 1 (`oov` 1) or, with more buckets, to
 * `1 + (hash - 1) mod oov` from the hashes the client sends beside the strings.
 */
const vocabLookup: OnnxEmitter = (ctx) => {
  const { b, inputs, attrs, node } = ctx;
  const vocabulary = attrs['vocabulary'];
  if (!Array.isArray(vocabulary))
    throw new OnnxExportError('`vocab` has no fitted vocabulary; export the IR the data stage fitted', 'vocab_lookup', node.loc);
  const oov = num(attrs, 'oov');
  const feature = ctx.vocabFeature();
  // Later duplicates win, as in the data stage's index; "" never reaches the vocabulary.
  const index = new Map<string, number>(vocabulary.map((v, i) => [String(v), i]));
  index.delete('');
  const keys = ['', ...index.keys()];
  const values = [feature?.missingId ?? 0, ...[...index.values()].map((i) => 1 + oov + i)];
  const lookup = (fallback: number): string =>
    b.op(
      'LabelEncoder',
      [inputs[0]!],
      { keys_strings: stringsAttr(keys), values_int64s: intsAttr(values), default_int64: intAttr(fallback) },
      mlDomain,
    );
  if (oov === 1) return lookup(1);
  if (!feature?.hashInput)
    throw new UnsupportedOnnxOp(
      'vocab_lookup',
      `with \`oov: ${oov}\` the out-of-vocabulary bucket needs the string hash, which only a feature's own \`vocab\` transform gets from the client`,
      node.loc,
    );
  const ids = lookup(-1);
  const bucket = b.op('Add', [b.i64(1), b.op('Mod', [b.op('Sub', [feature.hashInput, b.i64(1)]), b.i64(oov)], { fmod: intAttr(0) })]);
  return b.op('Where', [b.op('Equal', [ids, b.i64(-1)]), bucket, ids]);
};

/**
 * The ONNX emitter of every op an exported inference graph may hold, keyed by op name.
 * Graph plumbing (`input`, `param`, `const`) and `dropout` (the identity at inference)
 * are handled by the lowering itself; see `trainingOnlyOps` and `outOfGraphOps` for the rest.
 */
export const onnxEmitters: ReadonlyMap<string, OnnxEmitter> = new Map<string, OnnxEmitter>([
  ['neg', simple('Neg')],
  ['abs', simple('Abs')],
  ['exp', simple('Exp')],
  ['log', simple('Log')],
  // ONNX has no Log1p; log(1 + x) in float32 loses relative accuracy only for |x| near float epsilon, well inside the absolute tolerance.
  ['log1p', ({ b, inputs: [x] }) => b.op('Log', [b.op('Add', [x!, b.f32(1)])])],
  ['sqrt', simple('Sqrt')],
  ['square', ({ b, inputs: [x] }) => b.op('Mul', [x!, x!])],
  ['relu', simple('Relu')],
  ['leaky_relu', ({ b, inputs, attrs }) => b.op('LeakyRelu', inputs, { alpha: floatAttr(num(attrs, 'alpha')) })],
  ['elu', ({ b, inputs }) => b.op('Elu', inputs, { alpha: floatAttr(1) })],
  ['gelu', gelu],
  ['sigmoid', sigmoid],
  ['tanh', simple('Tanh')],
  ['softplus', simple('Softplus')],
  ['clip', ({ b, inputs: [x], attrs }) => b.op('Clip', [x!, b.f32(num(attrs, 'min')), b.f32(num(attrs, 'max'))])],
  ['add', simple('Add')],
  ['sub', simple('Sub')],
  ['mul', simple('Mul')],
  ['div', div],
  ['pow', simple('Pow')],
  ['mod', mod],
  ['minimum', simple('Min')],
  ['maximum', simple('Max')],
  ['equal', simple('Equal')],
  ['not_equal', ({ b, inputs }) => b.op('Not', [b.op('Equal', inputs)])],
  ['less', simple('Less')],
  ['less_equal', simple('LessOrEqual')],
  ['greater', simple('Greater')],
  ['greater_equal', simple('GreaterOrEqual')],
  ['logical_and', simple('And')],
  ['logical_or', simple('Or')],
  ['logical_not', simple('Not')],
  ['where', simple('Where')],
  ['cast', ({ b, inputs, attrs }) => b.op('Cast', inputs, { to: intAttr(elemTypeNumber[castTo[String(attrs['dtype'])] ?? 'float32']) })],
  ['matmul', simple('MatMul')],
  ['sum', reduce('ReduceSum')],
  ['mean', reduce('ReduceMean')],
  ['max', reduce('ReduceMax')],
  ['min', reduce('ReduceMin')],
  ['reshape', ({ b, inputs: [x], attrs }) => b.op('Reshape', [x!, b.i64s(attrs['shape'] as number[])])],
  ['concat', ({ b, inputs, attrs }) => b.op('Concat', inputs, { axis: intAttr(num(attrs, 'axis')) })],
  ['slice', slice],
  ['transpose', ({ b, inputs, attrs }) => b.op('Transpose', inputs, { perm: intsAttr(attrs['perm'] as number[]) })],
  ['expand_dims', ({ b, inputs: [x], attrs }) => b.op('Unsqueeze', [x!, b.i64s([num(attrs, 'axis')])])],
  ['squeeze', ({ b, inputs: [x], attrs }) => b.op('Squeeze', [x!, b.i64s([num(attrs, 'axis')])])],
  ['broadcast_to', ({ b, inputs: [x, like] }) => b.op('Expand', [x!, b.op('Shape', [like!])])],
  ['full', (ctx) => filled(ctx, num(ctx.attrs, 'value'))],
  ['zeros', (ctx) => filled(ctx, 0)],
  ['softmax', ({ b, inputs, attrs }) => b.op('Softmax', inputs, { axis: intAttr(num(attrs, 'axis')) })],
  ['log_softmax', ({ b, inputs, attrs }) => b.op('LogSoftmax', inputs, { axis: intAttr(num(attrs, 'axis')) })],
  ['one_hot', oneHot],
  ['embedding_lookup', embeddingLookup],
  [
    'sequence_mask',
    ({ b, inputs: [ids] }) => b.op('Cast', [b.op('Not', [b.op('Equal', [ids!, b.i64(0)])])], { to: intAttr(elemTypeNumber.float32) }),
  ],
  ['binary_cross_entropy', binaryCrossEntropy],
  ['sigmoid_cross_entropy', sigmoidCrossEntropy],
  ['softmax_cross_entropy', softmaxCrossEntropy],
  ['zscore', zscore],
  ['impute', impute],
  ['bucketize', bucketize],
  ['vocab_lookup', vocabLookup],
]);

/**
 * `term_weight`: token ids `[batch, L]` (0 padding) as a weighted bag with the same ids.
 * The count `c` of each position's term in its row comes from comparing every pair of
 * positions (`[batch, L, L]`, L is small); a position weighs 1 (`count`), `ln(1 + c) / c`
 * (`log`) or its term's idf by ai.onnx.ml LabelEncoder (`tfidf`), and 0 at padding, as
 * the data stage weighs it.
 */
export function termWeight(b: OnnxGraphBuilder, ids: string, node: IrNode): SparseValue {
  const attrs = node.attrs;
  const present = b.op('Cast', [b.op('Not', [b.op('Equal', [ids, b.i64(0)])])], { to: intAttr(elemTypeNumber.float32) });
  const scheme = String(attrs['scheme']);
  if (scheme === 'count') return { ids, weights: present };
  if (scheme === 'log') {
    const same = b.op('Equal', [b.op('Unsqueeze', [ids, b.i64s([2])]), b.op('Unsqueeze', [ids, b.i64s([1])])]);
    const counts = b.op('Max', [
      b.op('ReduceSum', [b.op('Cast', [same], { to: intAttr(elemTypeNumber.float32) }), b.i64s([2])], { keepdims: intAttr(0) }),
      b.f32(1),
    ]);
    const perPosition = b.op('Div', [b.op('Log', [b.op('Add', [counts, b.f32(1)])]), counts]);
    return { ids, weights: b.op('Mul', [perPosition, present]) };
  }
  const keys = attrs['idf_ids'];
  const idf = attrs['idf'];
  if (!Array.isArray(keys) || !Array.isArray(idf) || typeof attrs['idf_default'] !== 'number')
    throw new OnnxExportError('`term_weight("tfidf")` has no fitted idf; export the IR the data stage fitted', 'term_weight', node.loc);
  const weights = b.op(
    'LabelEncoder',
    [ids],
    {
      keys_int64s: intsAttr(keys as number[]),
      values_floats: { kind: 'floats', value: idf as number[] },
      default_float: floatAttr(attrs['idf_default']),
    },
    mlDomain,
  );
  return { ids, weights: b.op('Mul', [weights, present]) };
}

/** Ops the lowering handles itself rather than through an emitter. */
export const loweredOps: ReadonlySet<string> = new Set(['input', 'param', 'const', 'dropout', 'term_weight']);

/** Ops that exist only for training and evaluation, never in an exported inference graph. */
export const trainingOnlyOps: ReadonlySet<string> = new Set(['metric_auc', 'metric_pr_auc', 'metric_mean', 'arg', 'call']);

/**
 * Ops a client runs before feeding the graph (listed in a signature input's `outOfGraph`),
 * with why: ONNX has no string hash or tokenizer among its standard operators.
 */
export const outOfGraphOps: ReadonlyMap<string, string> = new Map([
  ['hash_bucket', "string hashing runs outside the graph; only a feature's own `hash` transform is exported, as ids the client computes"],
  ['tokenize', "tokenizing runs outside the graph; only a feature's own `tokens` transform is exported, as tokens the client splits"],
]);
