import type * as tfTypes from '@tensorflow/tfjs';
import type { IrNode } from '../../ir/ir.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { Tf } from './loadTf.js';

type Tensor = tfTypes.Tensor;

/** Builds one IR node's value from its inputs' values. */
export type Emitter = (tf: Tf, inputs: readonly Tensor[], attrs: Readonly<Record<string, AttrValue>>, node: IrNode) => Tensor;

const unary =
  (f: (tf: Tf, x: Tensor, attrs: Readonly<Record<string, AttrValue>>) => Tensor): Emitter =>
  (tf, [x], attrs) =>
    f(tf, x!, attrs);
const binary =
  (f: (tf: Tf, a: Tensor, b: Tensor) => Tensor): Emitter =>
  (tf, [a, b]) =>
    f(tf, a!, b!);

/**
 * `x^T @ dy` for a weight gradient without the transposed-operand kernels: transposes
 * whichever side costs fewer element moves, `x` (B*k) or `dy` and the product (B*m + k*m).
 */
function weightGrad(tf: Tf, x: tfTypes.Tensor2D, dy: tfTypes.Tensor2D): Tensor {
  const [b, k] = x.shape;
  const m = dy.shape[1];
  if (b * k <= b * m + k * m) return tf.matMul(tf.transpose(x), dy);
  return tf.transpose(tf.matMul(tf.transpose(dy), x));
}

/**
 * A 2-D matmul whose gradient multiplies explicitly transposed operands. TF.js's own
 * gradient calls matMul with transpose flags, which the wasm backend runs 5 to 10 times
 * slower than the plain kernel (measured here: 24-33 ms against 3-5 ms for a
 * 1024x256 by 256x128 product). A one-column `b` (a logit layer) back-propagates as a
 * broadcast product, which the matmul kernel handles badly with an inner size of 1.
 */
function matmul2d(tf: Tf, a: Tensor, b: Tensor): Tensor {
  // customGrad passes the inputs and then the save function through one rest parameter.
  const f = tf.customGrad(((...args: unknown[]) => {
    const [x, y, save] = args as [Tensor, Tensor, (ts: Tensor[]) => void];
    save([x, y]);
    return {
      value: tf.matMul(x as tfTypes.Tensor2D, y as tfTypes.Tensor2D),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sy] = saved as [tfTypes.Tensor2D, tfTypes.Tensor2D];
        const d = dy as tfTypes.Tensor2D;
        const dx = sy.shape[1] === 1 ? tf.mul(d, tf.reshape(sy, [1, sy.shape[0]])) : tf.matMul(d, tf.transpose(sy));
        return [dx, weightGrad(tf, sx, d)];
      },
    };
  }) as Parameters<Tf['customGrad']>[0]);
  return f(a, b);
}

/**
 * Concatenation along the last axis of 2-D float tensors, with a gradient that reads the
 * incoming gradient once and cuts it in JS. TF.js's own gradient (`splitV`) runs the wasm
 * `Slice` kernel per piece, each copying the whole gradient out of the heap first: 8% of
 * a flights training step.
 */
function concatColumns(tf: Tf, xs: readonly Tensor[]): Tensor {
  const f = tf.customGrad(((...args: unknown[]) => {
    const inputs = args.slice(0, xs.length) as Tensor[];
    const widths = inputs.map((x) => x.shape[1]!);
    return {
      value: tf.concat(inputs, 1),
      gradFunc: (dy: Tensor) => {
        const rows = dy.shape[0]!;
        const total = dy.shape[1]!;
        const g = dy.dataSync() as Float32Array;
        let at = 0;
        return widths.map((w) => {
          const out = new Float32Array(rows * w);
          for (let r = 0; r < rows; r++) out.set(g.subarray(r * total + at, r * total + at + w), r * w);
          at += w;
          return tf.tensor2d(out, [rows, w]);
        });
      },
    };
  }) as Parameters<Tf['customGrad']>[0]);
  return f(...xs);
}

/**
 * `x + bias` for `x: [B, m]`, `bias: [m]`, whose bias gradient is `ones[1, B] @ dy` rather
 * than TF.js's sum over the batch axis, which the wasm backend runs as a full transpose
 * followed by a reduction (9% of a flights step went to such transposes).
 */
function addBias(tf: Tf, x: Tensor, bias: Tensor): Tensor {
  const f = tf.customGrad(((...args: unknown[]) => {
    const [a, b] = args as [Tensor, Tensor];
    return {
      value: tf.add(a, b),
      gradFunc: (dy: Tensor) => [dy, tf.reshape(tf.matMul(tf.ones([1, dy.shape[0]!]), dy as tfTypes.Tensor2D), [dy.shape[1]!])],
    };
  }) as Parameters<Tf['customGrad']>[0]);
  return f(x, bias);
}

/** `a @ b`; a rank-1 `b` is a vector. */
function matmul(tf: Tf, a: Tensor, b: Tensor): Tensor {
  if (b.rank === 1) return tf.squeeze(matmul(tf, a, tf.expandDims(b, 1)), [-1]);
  if (a.rank === 2 && b.rank === 2) return matmul2d(tf, a, b);
  // Leading axes of `a` fold into rows when `b` is a plain matrix, which keeps to the fast path.
  if (b.rank === 2) {
    const rows = a.shape.slice(0, -1);
    const flat = tf.reshape(a, [-1, a.shape[a.rank - 1]!]);
    return tf.reshape(matmul2d(tf, flat, b), [...rows, b.shape[1]!]);
  }
  return tf.matMul(a, b);
}

/** One-hot rows; TF.js's oneHot refuses a depth below 2, so depth 1 is the first column of depth 2. */
function oneHot(tf: Tf, ids: Tensor, depth: number): Tensor {
  const rows = tf.cast(tf.oneHot(tf.cast(ids, 'int32') as tfTypes.Tensor1D, Math.max(depth, 2)), 'float32');
  if (depth >= 2) return rows;
  return tf.slice(
    rows,
    rows.shape.map(() => 0),
    [...rows.shape.slice(0, -1), depth],
  );
}

/**
 * `table`'s rows at `ids`, with the gradient a ScatterNd (repeated ids add up): TF.js's own
 * gradient of a gather is an UnsortedSegmentSum, which the wasm backend does not have, so a
 * table that TF.js differentiates (one read by other ops than its lookups) could not train there.
 */
export function gatherRows(tf: Tf, table: Tensor, ids: Tensor): Tensor {
  const gather = tf.customGrad((t, i, save) => {
    const rows = t as Tensor;
    const at = tf.cast(i as Tensor, 'int32');
    (save as tfTypes.GradSaveFunc)([at]);
    return {
      value: tf.gather(rows, at),
      gradFunc: (dy, [saved]) => [
        tf.scatterND(tf.reshape(saved!, [-1, 1]), tf.reshape(dy as Tensor, [-1, ...rows.shape.slice(1)]), rows.shape),
        tf.zerosLike(i as Tensor),
      ],
    };
  });
  return gather(table, ids);
}

/** Mean or sum of table rows per example; `ids` is `[B]` (one id) or `[B, L]` (a bag), 0 counting as padding in a bag. */
function embeddingLookup(tf: Tf, ids: Tensor, table: Tensor, combiner: string): Tensor {
  const rows = gatherRows(tf, table, ids);
  if (combiner === 'none' || ids.rank === 1) return rows;
  const mask = tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), -1);
  const summed = tf.sum(tf.mul(rows, mask), 1);
  if (combiner === 'sum') return summed;
  return tf.div(summed, tf.maximum(tf.sum(mask, 1), 1));
}

/**
 * The TF.js emitter of every op the TF.js program runs, keyed by op name. Graph plumbing
 * (`input`, `arg`, `call`) is handled by the program; `param` becomes a variable;
 * preprocessing runs in the data stage before a batch reaches the graph.
 */
export const emitters: ReadonlyMap<string, Emitter> = new Map<string, Emitter>([
  ['neg', unary((tf, x) => tf.neg(x))],
  ['abs', unary((tf, x) => tf.abs(x))],
  ['exp', unary((tf, x) => tf.exp(x))],
  ['log', unary((tf, x) => tf.log(x))],
  ['log1p', unary((tf, x) => tf.log1p(x))],
  ['sqrt', unary((tf, x) => tf.sqrt(x))],
  ['square', unary((tf, x) => tf.square(x))],
  ['relu', unary((tf, x) => tf.relu(x))],
  ['leaky_relu', unary((tf, x, a) => tf.leakyRelu(x, Number(a['alpha'])))],
  ['elu', unary((tf, x) => tf.elu(x))],
  // The tanh approximation, as ONNX's Gelu(approximate="tanh") computes it.
  [
    'gelu',
    unary((tf, x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))))),
  ],
  ['sigmoid', unary((tf, x) => tf.sigmoid(x))],
  ['tanh', unary((tf, x) => tf.tanh(x))],
  ['softplus', unary((tf, x) => tf.softplus(x))],
  ['clip', unary((tf, x, a) => tf.clipByValue(x, Number(a['min']), Number(a['max'])))],
  [
    'add',
    binary((tf, a, b) =>
      a.rank === 2 && b.rank === 1 && a.dtype === 'float32' && b.dtype === 'float32' && a.shape[1] === b.shape[0]
        ? addBias(tf, a, b)
        : tf.add(a, b),
    ),
  ],
  ['sub', binary((tf, a, b) => tf.sub(a, b))],
  ['mul', binary((tf, a, b) => tf.mul(a, b))],
  ['div', binary((tf, a, b) => tf.div(a, b))],
  ['pow', binary((tf, a, b) => tf.pow(a, b))],
  ['mod', binary((tf, a, b) => tf.mod(a, b))],
  ['minimum', binary((tf, a, b) => tf.minimum(a, b))],
  ['maximum', binary((tf, a, b) => tf.maximum(a, b))],
  ['equal', binary((tf, a, b) => tf.equal(a, b))],
  ['not_equal', binary((tf, a, b) => tf.notEqual(a, b))],
  ['less', binary((tf, a, b) => tf.less(a, b))],
  ['less_equal', binary((tf, a, b) => tf.lessEqual(a, b))],
  ['greater', binary((tf, a, b) => tf.greater(a, b))],
  ['greater_equal', binary((tf, a, b) => tf.greaterEqual(a, b))],
  ['logical_and', binary((tf, a, b) => tf.logicalAnd(a, b))],
  ['logical_or', binary((tf, a, b) => tf.logicalOr(a, b))],
  ['logical_not', unary((tf, x) => tf.logicalNot(x))],
  ['where', (tf, [c, a, b]) => tf.where(c!, a!, b!)],
  // To `bool` by comparison: the wasm backend casts through uint8, so 0.5 would be false and -2 true only by accident.
  [
    'cast',
    unary((tf, x, a) =>
      a['dtype'] === 'bool'
        ? tf.notEqual(x, 0)
        : tf.cast(x, ({ f32: 'float32', i32: 'int32', i64: 'int32' } as const)[a['dtype'] as 'f32'] ?? 'float32'),
    ),
  ],
  ['matmul', binary(matmul)],
  ['sum', unary((tf, x, a) => tf.sum(x, a['axes'] as number[], a['keepdims'] === true))],
  ['mean', unary((tf, x, a) => tf.mean(x, a['axes'] as number[], a['keepdims'] === true))],
  ['max', unary((tf, x, a) => tf.max(x, a['axes'] as number[], a['keepdims'] === true))],
  ['min', unary((tf, x, a) => tf.min(x, a['axes'] as number[], a['keepdims'] === true))],
  [
    'reshape',
    unary((tf, x, a) =>
      tf.reshape(
        x,
        (a['shape'] as number[]).map((d, i) => (d === 0 ? x.shape[i]! : d)),
      ),
    ),
  ],
  [
    'concat',
    (tf, xs, a) => {
      const axis = Number(a['axis']);
      const columns = xs.length > 1 && xs.every((x) => x.rank === 2 && x.dtype === 'float32') && (axis === 1 || axis === -1);
      return columns ? concatColumns(tf, xs) : tf.concat(xs as Tensor[], axis);
    },
  ],
  ['slice', unary((tf, x, a) => sliceTensor(tf, x, a['spec'] as readonly AttrValue[]))],
  ['transpose', unary((tf, x, a) => tf.transpose(x, a['perm'] as number[]))],
  ['expand_dims', unary((tf, x, a) => tf.expandDims(x, Number(a['axis'])))],
  ['squeeze', unary((tf, x, a) => tf.squeeze(x, [Number(a['axis'])]))],
  ['broadcast_to', (tf, [x, like]) => tf.broadcastTo(x!, like!.shape)],
  ['full', (tf, [like], a) => tf.fill(filledShape(like!, a), Number(a['value']))],
  ['zeros', (tf, [like], a) => tf.zeros(filledShape(like!, a))],
  [
    'softmax',
    unary((tf, x, a) =>
      Number(a['axis']) === x.rank - 1
        ? tf.softmax(x)
        : tf.div(
            tf.exp(tf.sub(x, tf.max(x, Number(a['axis']), true))),
            tf.sum(tf.exp(tf.sub(x, tf.max(x, Number(a['axis']), true))), Number(a['axis']), true),
          ),
    ),
  ],
  [
    'log_softmax',
    unary((tf, x, a) => (Number(a['axis']) === x.rank - 1 ? tf.logSoftmax(x) : tf.sub(x, tf.logSumExp(x, Number(a['axis']), true)))),
  ],
  ['one_hot', unary((tf, x, a) => oneHot(tf, x, Number(a['depth'])))],
  ['embedding_lookup', (tf, [ids, table], a) => embeddingLookup(tf, ids!, table!, String(a['combiner']))],
  ['sequence_mask', unary((tf, x) => tf.cast(tf.notEqual(x, 0), 'float32'))],
  [
    'binary_cross_entropy',
    (tf, [p, y], a) => {
      const eps = Number(a['eps']);
      const q = tf.clipByValue(p!, eps, 1 - eps);
      return tf.neg(tf.add(tf.mul(y!, tf.log(q)), tf.mul(tf.sub(1, y!), tf.log(tf.sub(1, q)))));
    },
  ],
  ['sigmoid_cross_entropy', (tf, [z, y]) => sigmoidCrossEntropy(tf, z!, y!)],
  [
    'softmax_cross_entropy',
    (tf, [logits, labels]) => {
      const depth = logits!.shape[logits!.rank - 1]!;
      const onehot = tf.oneHot(tf.cast(labels!, 'int32') as tfTypes.Tensor1D, depth);
      return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits!)), -1));
    },
  ],
]);

/** The shape `full` and `zeros` fill: `like`'s, or its first axis followed by the `shape` attribute. */
function filledShape(like: Tensor, a: Readonly<Record<string, AttrValue>>): number[] {
  const shape = a['shape'] as number[] | null;
  return shape === null ? [...like.shape] : [like.shape[0]!, ...shape];
}

/**
 * `max(z, 0) - z y + log1p(exp(-|z|))` with the exact gradient `sigmoid(z) - y` (and `-z`
 * for the labels): TF.js's own derivatives of `relu` and `abs` are 0 at `z = 0`, which
 * would give `-y` there instead of `0.5 - y`, unlike the IR's VJP.
 */
function sigmoidCrossEntropy(tf: Tf, z: Tensor, y: Tensor): Tensor {
  const f = tf.customGrad(((...args: unknown[]) => {
    const [zz, yy, save] = args as [Tensor, Tensor, (ts: Tensor[]) => void];
    save([zz, yy]);
    return {
      value: tf.add(tf.sub(tf.relu(zz), tf.mul(zz, yy)), tf.log1p(tf.exp(tf.neg(tf.abs(zz))))),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sz, sy] = saved as [Tensor, Tensor];
        const dz = tf.mul(dy, tf.sub(tf.sigmoid(sz), sy));
        const dyy = tf.mul(dy, tf.neg(sz));
        return [reduceTo(tf, dz, sz.shape), reduceTo(tf, dyy, sy.shape)];
      },
    };
  }) as Parameters<Tf['customGrad']>[0]);
  return f(z, y);
}

/** `g` summed over the axes along which a value of `shape` was broadcast to `g`'s shape. */
function reduceTo(tf: Tf, g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.rank - shape.length;
  const axes = g.shape.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  return axes.length === 0 ? g : tf.reshape(tf.sum(g, axes), [...shape]);
}

/**
 * `x[i]` and `x[a:b:c]` per axis, as the IR's `slice` spec says: a number indexes (dropping
 * the axis), `[start, stop, step]` slices (the checker allows steps of 1 or more). Built
 * from `slice`, `pad` and `reshape`, which have gradients on every backend: TF.js's
 * `stridedSlice` has none, so an LSTM's `z[:, 0:units]` could not train.
 */
function sliceTensor(tf: Tf, x: Tensor, spec: readonly AttrValue[]): Tensor {
  const begin: number[] = [];
  const size: number[] = [];
  const steps: number[] = [];
  x.shape.forEach((length, axis) => {
    const s = spec[axis];
    if (s === undefined) {
      begin.push(0);
      size.push(length);
      steps.push(1);
    } else if (typeof s === 'number') {
      begin.push(s < 0 ? s + length : s);
      size.push(1);
      steps.push(1);
    } else {
      const [start, stop, step] = s as [number | null, number | null, number];
      const norm = (i: number | null, fallback: number): number =>
        i === null ? fallback : i < 0 ? Math.max(0, i + length) : Math.min(i, length);
      const from = norm(start, 0);
      begin.push(from);
      size.push(Math.max(0, norm(stop, length) - from));
      steps.push(step);
    }
  });
  let y = tf.slice(x, begin, size);
  steps.forEach((step, axis) => {
    if (step === 1) return;
    // Every `step`-th element of the axis: pad it to a multiple of `step`, split it into
    // [count, step] and keep the first column.
    const count = Math.ceil(y.shape[axis]! / step);
    const padding = y.shape.map((_, a): [number, number] => [0, a === axis ? count * step - y.shape[axis]! : 0]);
    const split = tf.reshape(tf.pad(y, padding), [...y.shape.slice(0, axis), count, step, ...y.shape.slice(axis + 1)]);
    const first = tf.slice(
      split,
      split.shape.map(() => 0),
      split.shape.map((d, a) => (a === axis + 1 ? 1 : d)),
    );
    y = tf.reshape(first, [...y.shape.slice(0, axis), count, ...y.shape.slice(axis + 1)]);
  });
  const kept = y.shape.filter((_, axis) => typeof spec[axis] !== 'number');
  return kept.length === y.shape.length ? y : tf.reshape(y, kept);
}
