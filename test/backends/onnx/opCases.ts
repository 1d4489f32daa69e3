import type { OpCase, Operand } from './opGraph.js';

const f = (...shape: number[]): Operand => ({ kind: 'data', dtype: 'f32', shape, gen: (r) => r.normal() * 2 });
const positive = (...shape: number[]): Operand => ({ kind: 'data', dtype: 'f32', shape, gen: (r) => 0.1 + Math.abs(r.normal()) * 2 });
const awayFromZero = (...shape: number[]): Operand => ({
  kind: 'data',
  dtype: 'f32',
  shape,
  gen: (r) => (r.uniform() < 0.5 ? -1 : 1) * (0.5 + r.uniform() * 3),
});
const ints = (...shape: number[]): Operand => ({ kind: 'data', dtype: 'i32', shape, gen: (r) => r.int(13) - 6 });
const nonzeroInts = (...shape: number[]): Operand => ({
  kind: 'data',
  dtype: 'i32',
  shape,
  gen: (r) => (r.uniform() < 0.5 ? -1 : 1) * (1 + r.int(4)),
});
const ids = (vocab: number, ...shape: number[]): Operand => ({ kind: 'data', dtype: 'i32', shape, gen: (r) => r.int(vocab), vocab });
const probs = (...shape: number[]): Operand => ({ kind: 'data', dtype: 'f32', shape, gen: (r) => r.uniform() });
const labels01 = (...shape: number[]): Operand => ({ kind: 'data', dtype: 'f32', shape, gen: (r) => (r.uniform() < 0.5 ? 0 : 1) });
const bool = (...shape: number[]): Operand => ({ kind: 'bool', shape });
const param = (...shape: number[]): Operand => ({ kind: 'param', shape });

const unary = (op: string, x: Operand = f(4), attrs?: OpCase['attrs']): OpCase => ({ op, operands: [x], ...(attrs ? { attrs } : {}) });
const binary = (op: string, a: Operand, b: Operand, label?: string): OpCase => ({ op, operands: [a, b], ...(label ? { label } : {}) });

/**
 * Every op with an ONNX emitter, with small seeded inputs, run through TF.js and ONNX
 * Runtime. Inputs stay inside each op's domain (positive for log and sqrt, divisors away
 * from 0, ids inside their vocabulary), where the two are meant to agree.
 */
export const opCases: readonly OpCase[] = [
  unary('neg'),
  unary('abs'),
  unary('exp'),
  unary('log', positive(4)),
  unary('log1p', { kind: 'data', dtype: 'f32', shape: [4], gen: (r) => -0.9 + r.uniform() * 4 }),
  unary('sqrt', positive(4)),
  unary('square'),
  unary('relu'),
  unary('leaky_relu'),
  unary('leaky_relu', f(4), { alpha: 0.05 }),
  unary('elu'),
  unary('gelu'),
  unary('sigmoid'),
  unary('tanh'),
  unary('softplus'),
  unary('clip', f(4), { min: -0.5, max: 0.7 }),
  binary('broadcast_to', param(4), f(3, 4), 'a parameter to a batch'),
  binary('broadcast_to', f(3, 1), f(3, 4), 'a column'),
  unary('full', f(3, 4), { value: 2.5 }),
  unary('full', f(3, 4), { value: -1, shape: [2, 5] }),
  unary('zeros', f(3, 4)),
  unary('zeros', ints(3), { shape: [6] }),
  binary('add', f(4), f(4)),
  binary('add', f(3, 4), param(4), 'broadcast a parameter'),
  binary('add', ints(3), ints(3), 'i32'),
  binary('sub', f(4), f(4)),
  binary('sub', ints(3), ints(3), 'i32'),
  binary('mul', f(4), f(4)),
  binary('mul', ints(3), ints(3), 'i32'),
  binary('div', f(4), awayFromZero(4)),
  binary('div', ints(6), nonzeroInts(6), 'i32 floors'),
  binary('pow', positive(4), f(4)),
  binary('mod', f(6), awayFromZero(6)),
  binary('mod', ints(6), nonzeroInts(6), 'i32'),
  binary('minimum', f(4), f(4)),
  binary('minimum', ints(3), ints(3), 'i32'),
  binary('maximum', f(4), f(4)),
  binary('maximum', ints(3), ints(3), 'i32'),
  binary('equal', ints(4), ints(4)),
  binary('not_equal', ints(4), ints(4)),
  binary('less', f(4), f(4)),
  binary('less', ints(4), ints(4), 'i32'),
  binary('less_equal', ints(4), ints(4)),
  binary('greater', f(4), f(4)),
  binary('greater_equal', ints(4), ints(4)),
  binary('logical_and', bool(4), bool(4)),
  binary('logical_or', bool(4), bool(4)),
  unary('logical_not', bool(4)),
  { op: 'where', operands: [bool(4), f(4), f(4)] },
  unary('cast', f(4), { dtype: 'i32' }),
  unary('cast', ints(4), { dtype: 'f32' }),
  unary('cast', f(4), { dtype: 'bool' }),
  unary('cast', bool(4), { dtype: 'f32' }),
  binary('matmul', f(3), param(3, 4)),
  binary('matmul', f(2, 3), param(3, 4), 'rank 3 by a matrix'),
  binary('matmul', f(3), param(3), 'by a vector'),
  unary('sum', f(3, 4), { axes: [1] }),
  unary('sum', f(3, 4), { axes: [1, 2], keepdims: true }),
  unary('sum', ints(3), { axes: [1] }),
  unary('mean', f(3, 4), { axes: [2] }),
  unary('mean', f(3, 4), { axes: [1, 2], keepdims: true }),
  unary('max', f(3, 4), { axes: [1] }),
  unary('min', f(3, 4), { axes: [-1], keepdims: true }),
  // An empty axes list reduces nothing (ONNX's own empty axes would reduce everything).
  unary('sum', f(3, 4), { axes: [] }),
  unary('max', f(3), { axes: [], keepdims: true }),
  unary('reshape', f(6), { shape: [0, 2, 3] }),
  unary('reshape', f(2, 3), { shape: [0, -1] }),
  { op: 'concat', operands: [f(2), f(3), f(1)], attrs: { axis: -1 } },
  unary('slice', f(3, 4), { spec: [[null, null, 1], 1, [1, 3, 1]] }),
  // x[:, 0:3:2, -1] of [B, 3, 4]: a stride on one axis and an index on another.
  unary('slice', f(3, 4), { spec: [[null, null, 1], [0, 3, 2], -1] }),
  unary('slice', f(5), {
    spec: [
      [null, null, 1],
      [-3, null, 1],
    ],
  }),
  unary('transpose', f(2, 3), { perm: [0, 2, 1] }),
  unary('expand_dims', f(3), { axis: 1 }),
  unary('squeeze', f(1, 3), { axis: 1 }),
  unary('softmax', f(5)),
  unary('softmax', f(3, 4), { axis: 1 }),
  unary('log_softmax', f(5)),
  unary('log_softmax', f(3, 4), { axis: 1 }),
  unary('one_hot', ids(7)),
  // TF.js's oneHot refuses a depth below 2.
  { op: 'one_hot', label: 'depth 1', operands: [ids(1)], attrs: { depth: 1 } },
  { op: 'embedding_lookup', label: 'one id', operands: [ids(10), param(10, 4)] },
  { op: 'embedding_lookup', label: 'bag mean with padding', operands: [ids(10, 3), param(10, 4)] },
  { op: 'embedding_lookup', label: 'bag sum with padding', operands: [ids(10, 3), param(10, 4)], attrs: { combiner: 'sum' } },
  { op: 'embedding_lookup', label: 'sequence kept apart', operands: [ids(10, 3), param(10, 4)], attrs: { combiner: 'none' } },
  { op: 'embedding_lookup', label: 'sparse ids, mean', operands: [{ kind: 'sparse', vocab: 16, weighted: false }, param(16, 4)] },
  {
    op: 'embedding_lookup',
    label: 'weighted sparse ids, sum',
    operands: [{ kind: 'sparse', vocab: 16, weighted: true }, param(16, 4)],
    attrs: { combiner: 'sum' },
  },
  { op: 'embedding_lookup', label: 'weighted sparse ids, mean', operands: [{ kind: 'sparse', vocab: 16, weighted: true }, param(16, 4)] },
  unary('sequence_mask', ids(3, 5)),
  binary('binary_cross_entropy', probs(1), labels01(1)),
  binary('sigmoid_cross_entropy', f(4), labels01(4)),
  binary(
    'sigmoid_cross_entropy',
    { kind: 'data', dtype: 'f32', shape: [4], gen: (r) => (r.uniform() < 0.5 ? -1 : 1) * (30 + r.uniform() * 60) },
    labels01(4),
    'logits far from 0',
  ),
  binary('softmax_cross_entropy', f(5), ids(5)),
  // A label outside [0, C), negative too, picks nothing: a loss of 0 (ONNX's OneHot would count -1 from the end).
  binary('softmax_cross_entropy', f(5), { kind: 'data', dtype: 'i32', shape: [], gen: (r) => r.int(8) - 2 }, 'labels outside the classes'),
  unary('dropout', f(4)),
  binary('add', f(3), { kind: 'const', value: [0.5, -1, 2], shape: [3] }, 'a constant'),
];
