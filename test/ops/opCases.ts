import fc from 'fast-check';
import type { IrGraph } from '../../src/ir/ir.js';
import { ndarray, type NdArray } from '../../src/ops/reference/ndarray.js';
import type { AttrValue } from '../../src/tensor/attrValue.js';
import { Graph, normals } from '../helpers/irGraph.js';

/** A small graph around one op, and the values of its `input` nodes (parameters are drawn by the test). */
export interface OpCase {
  readonly graph: IrGraph;
  readonly feeds: ReadonlyMap<string, NdArray>;
}

const dim = fc.integer({ min: 1, max: 4 });
const shape = fc.array(dim, { minLength: 1, maxLength: 3 });
const seed = fc.integer({ min: 1, max: 1_000_000 });

const lossCase = (g: Graph, y: number, feeds: ReadonlyMap<string, NdArray> = new Map()): OpCase => ({ graph: g.withLoss(y), feeds });
const outputCase = (g: Graph, ys: number[], feeds: ReadonlyMap<string, NdArray> = new Map()): OpCase => ({ graph: g.graph(ys), feeds });

/** Random integers in [lo, hi) of `shape` as an `i32` feed. */
function ints(shapeOf: number[], lo: number, hi: number, s: number): NdArray {
  const draw = normals(s);
  const n = shapeOf.reduce((p, q) => p * q, 1);
  return ndarray(
    'i32',
    shapeOf,
    Array.from({ length: n }, () => lo + Math.floor(((Math.abs(draw()) * 7919) % 1) * (hi - lo))),
  );
}

/** The unary elementwise ops with a VJP, each a case here and in vjp.property.test.ts. */
export const unaryOps = [
  'neg',
  'abs',
  'exp',
  'log',
  'log1p',
  'sqrt',
  'square',
  'relu',
  'leaky_relu',
  'elu',
  'gelu',
  'sigmoid',
  'tanh',
  'softplus',
  'clip',
];
const unaryCase = (op: string): fc.Arbitrary<OpCase> =>
  shape.map((s) => {
    const g = new Graph();
    const a = g.param('a', s);
    const x = ['log', 'sqrt', 'log1p'].includes(op) ? g.positive(a) : a;
    return lossCase(g, g.add(op, [x], op === 'clip' ? { min: -0.5, max: 0.7 } : {}));
  });

// b's shape: a suffix of a's, with some dimensions 1 (broadcast both ways).
const broadcastPair = shape.chain((s) =>
  fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })),
);
const binaryCase = (op: string): fc.Arbitrary<OpCase> =>
  broadcastPair.map(([s, drop, ones]) => {
    const g = new Graph();
    const a = g.param('a', s);
    const b = g.param(
      'b',
      s.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d)),
    );
    const x = op === 'pow' ? g.positive(a) : a;
    const y = op === 'div' ? g.positive(b) : b;
    return lossCase(g, g.add(op, [x, y]));
  });

const reductionCase = (op: string): fc.Arbitrary<OpCase> =>
  fc.tuple(shape, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean()).map(([s, pick, keepdims]) => {
    const axes = s.map((_, i) => i).filter((i) => pick[i]);
    const g = new Graph();
    return lossCase(g, g.add(op, [g.param('a', s)], { axes: axes.length > 0 ? axes : null, keepdims }));
  });

// Per axis: [start, stop, step] with steps up to 3, bounds omitted, negative or past the end; an index now and then.
const bound = fc.option(fc.integer({ min: -5, max: 6 }), { nil: null });
const cutOrIndex = fc.oneof(fc.tuple(bound, bound, fc.integer({ min: 1, max: 3 })), fc.integer({ min: -1, max: 0 }));
const sliceCase = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 6 }), cutOrIndex), { minLength: 1, maxLength: 3 })
  .map((axes) => {
    const g = new Graph();
    const x = g.param('a', [...axes.map(([d]) => d), 2]);
    let y: number;
    try {
      y = g.add('slice', [x], { spec: axes.map(([, c]) => c) as AttrValue[] });
    } catch {
      return null;
    }
    // An empty slice has nothing to differentiate.
    return g.type(y).shape.every((d) => d !== 0) ? lossCase(g, y) : null;
  })
  .filter((c): c is OpCase => c !== null);

const axisCase = (op: string): fc.Arbitrary<OpCase> =>
  shape.chain((s) =>
    fc.integer({ min: -s.length, max: s.length - 1 }).map((axis) => {
      const g = new Graph();
      return lossCase(g, g.add(op, [g.param('a', s)], { axis }));
    }),
  );

const matmulCase = fc.tuple(dim, dim, dim, dim, fc.integer({ min: 0, max: 4 })).map(([m, k, n, b, form]) => {
  const g = new Graph();
  const shapes: [number[], number[]][] = [
    [
      [m, k],
      [k, n],
    ],
    [
      [b, m, k],
      [k, n],
    ],
    [
      [b, m, k],
      [b, k, n],
    ],
    [
      [1, m, k],
      [b, k, n],
    ],
    [[m, k], [k]],
  ];
  const [sa, sb] = shapes[form]!;
  return lossCase(g, g.add('matmul', [g.param('a', sa), g.param('b', sb)]));
});

/** Cases whose loss is differentiated: each op with a VJP (`gradientKind` dense), by op. */
export const gradientCases: Readonly<Record<string, fc.Arbitrary<OpCase>>> = {
  ...Object.fromEntries(unaryOps.map((op) => [op, unaryCase(op)])),
  ...Object.fromEntries(['add', 'sub', 'mul', 'div', 'pow', 'minimum', 'maximum'].map((op) => [op, binaryCase(op)])),
  where: broadcastPair.map(([s, drop, ones]) => {
    const g = new Graph();
    const bs = s.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d));
    const cond = g.add('greater', [g.param('c', bs), g.scalar(0)]);
    return lossCase(g, g.add('where', [cond, g.param('a', s), g.param('b', bs)]));
  }),
  // A float cast passes the gradient, a cast to integers stops it: d/da (a trunc(3a) + a) = trunc(3a) + 1.
  cast: shape.map((s) => {
    const g = new Graph();
    const a = g.param('a', s);
    const f = g.add('cast', [a], { dtype: 'f32' });
    const t = g.add('cast', [g.add('cast', [g.add('mul', [a, g.scalar(3)])], { dtype: 'i32' })], { dtype: 'f32' });
    return lossCase(g, g.add('add', [g.add('mul', [f, t]), f]));
  }),
  matmul: matmulCase,
  ...Object.fromEntries(['sum', 'mean', 'max', 'min'].map((op) => [op, reductionCase(op)])),
  broadcast_to: broadcastPair.map(([s, drop, ones]) => {
    const g = new Graph();
    const x = g.param(
      'a',
      s.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d)),
    );
    return lossCase(g, g.add('broadcast_to', [x, g.param('like', s)]));
  }),
  reshape: fc.tuple(shape, fc.integer({ min: 0, max: 2 })).map(([s, form]) => {
    const g = new Graph();
    const target = [[-1], [...s].reverse(), [s[0]!, -1]][form]!;
    return lossCase(g, g.add('reshape', [g.param('a', s)], { shape: target }));
  }),
  concat: fc.tuple(shape, fc.integer({ min: 1, max: 3 }), fc.nat()).map(([s, count, pick]) => {
    const g = new Graph();
    const axis = pick % s.length;
    const xs = Array.from({ length: count }, (_, i) =>
      g.param(
        `x${i}`,
        s.map((d, j) => (j === axis ? d + i : d)),
      ),
    );
    return lossCase(g, g.add('concat', xs, { axis: axis - s.length }));
  }),
  slice: sliceCase,
  transpose: shape.chain((s) =>
    fc
      .shuffledSubarray(
        s.map((_, i) => i),
        { minLength: s.length, maxLength: s.length },
      )
      .map((perm) => {
        const g = new Graph();
        return lossCase(g, g.add('transpose', [g.param('a', s)], { perm }));
      }),
  ),
  expand_dims: shape.chain((s) =>
    fc.integer({ min: -s.length - 1, max: s.length }).map((axis) => {
      const g = new Graph();
      return lossCase(g, g.add('expand_dims', [g.param('a', s)], { axis }));
    }),
  ),
  squeeze: shape.chain((s) =>
    fc.integer({ min: 0, max: s.length }).map((axis) => {
      const g = new Graph();
      const withOne = [...s];
      withOne.splice(axis, 0, 1);
      return lossCase(g, g.add('squeeze', [g.param('a', withOne)], { axis }));
    }),
  ),
  softmax: axisCase('softmax'),
  log_softmax: axisCase('log_softmax'),
  // rate 0 keeps the dropout and its VJP; rate 0.5 becomes `mul(x, mask)` with the mask fed.
  dropout: fc.tuple(shape, fc.boolean(), seed).map(([s, drops, sd]) => {
    const g = new Graph();
    const y = g.add('dropout', [g.param('a', s)], { rate: drops ? 0.5 : 0 });
    const mask = ints(s, 0, 2, sd);
    const feeds = new Map([
      [
        `dropout@${y}`,
        ndarray(
          'f32',
          s,
          Array.from(mask.data, (v) => 2 * v),
        ),
      ],
    ]);
    return lossCase(g, y, drops ? feeds : new Map());
  }),
  binary_cross_entropy: shape.map((s) => {
    const g = new Graph();
    const p = g.add('sigmoid', [g.param('p', s)]);
    const y = g.add('sigmoid', [g.param('y', s)]);
    return lossCase(g, g.add('binary_cross_entropy', [p, y]));
  }),
  // Logits of every size (|z| up to ~12), labels in (0, 1).
  sigmoid_cross_entropy: shape.map((s) => {
    const g = new Graph();
    const z = g.add('mul', [g.param('z', s), g.scalar(4)]);
    return lossCase(g, g.add('sigmoid_cross_entropy', [z, g.add('sigmoid', [g.param('y', s)])]));
  }),
  softmax_cross_entropy: fc.tuple(dim, fc.integer({ min: 2, max: 5 }), seed).map(([b, c, sd]) => {
    const g = new Graph();
    const labels = g.input('labels', 'i32', [b]);
    return lossCase(g, g.add('softmax_cross_entropy', [g.param('logits', [b, c]), labels]), new Map([['labels', ints([b], 0, c, sd)]]));
  }),
};

/**
 * Ops with a VJP that no case differentiates, with why: graph plumbing is a leaf
 * (`input` gets no gradient; `arg` and `call` are gone after inlining); every case reads
 * `param`s.
 */
export const notDifferentiated: Readonly<Record<string, string>> = {
  input: 'a leaf fed with data: no gradient is taken with respect to it',
  arg: 'gone after inlining, before the autodiff pass runs',
  call: 'gone after inlining, before the autodiff pass runs',
  param: 'the leaf every case differentiates with respect to',
};

/** Cases of the ops without a VJP, compared forward only: comparisons, integer arithmetic, ids. */
export const forwardCases: Readonly<Record<string, fc.Arbitrary<OpCase>>> = {
  ...Object.fromEntries(
    ['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal', 'mod'].map((op) => [
      op,
      broadcastPair.map(([s, drop, ones]) => {
        const g = new Graph();
        const a = g.add('mul', [g.param('a', s), g.scalar(3)]);
        const b = g.add('add', [
          g.param(
            'b',
            s.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d)),
          ),
          g.scalar(op === 'mod' ? 2 : 0),
        ]);
        return outputCase(g, [g.add(op, [a, b])]);
      }),
    ]),
  ),
  'integer div and mod': fc.tuple(shape, seed).map(([s, sd]) => {
    const g = new Graph();
    const a = g.input('a', 'i32', s);
    const b = g.input('b', 'i32', s);
    return outputCase(
      g,
      [g.add('div', [a, b]), g.add('mod', [a, b]), g.add('sub', [a, b])],
      new Map([
        ['a', ints(s, -20, 20, sd)],
        [
          'b',
          ndarray(
            'i32',
            s,
            Array.from(ints(s, 1, 6, sd + 1).data, (v, i) => (i % 2 === 0 ? v : -v)),
          ),
        ],
      ]),
    );
  }),
  logical: shape.map((s) => {
    const g = new Graph();
    const p = g.add('greater', [g.param('a', s), g.scalar(0)]);
    const q = g.add('less', [g.param('b', s), g.scalar(0.3)]);
    return outputCase(g, [g.add('logical_and', [p, q]), g.add('logical_or', [p, q]), g.add('logical_not', [p])]);
  }),
  'cast to integers and bool': shape.map((s) => {
    const g = new Graph();
    const a = g.add('mul', [g.param('a', s), g.scalar(3)]);
    return outputCase(g, [g.add('cast', [a], { dtype: 'i32' }), g.add('cast', [a], { dtype: 'bool' })]);
  }),
  // TF.js's oneHot refuses a depth of 1 ("depth must be >=2"), which the checker allows.
  one_hot: fc.tuple(shape, fc.integer({ min: 2, max: 5 }), seed).map(([s, depth, sd]) => {
    const g = new Graph();
    const ids = g.input('ids', 'i32', s);
    return outputCase(g, [g.add('one_hot', [ids], { depth })], new Map([['ids', ints(s, -1, depth + 1, sd)]]));
  }),
  embedding_lookup: fc.tuple(dim, dim, fc.constantFrom('mean', 'sum', 'none'), fc.boolean(), seed).map(([b, l, combiner, bag, sd]) => {
    const g = new Graph();
    const s = bag ? [b, l] : [b];
    const ids = g.input('ids', 'i32', s);
    const table = g.param('table', [5, 3]);
    return outputCase(g, [g.add('embedding_lookup', [ids, table], { combiner })], new Map([['ids', ints(s, 0, 5, sd)]]));
  }),
  // The shape read from `like`: whole, or its batch axis followed by `shape`.
  'full and zeros': fc.tuple(shape, fc.boolean()).map(([s, given]) => {
    const g = new Graph();
    const like = g.param('like', s);
    const shapeAttr: Record<string, AttrValue> = given ? { shape: [2, 3] } : {};
    return outputCase(g, [g.add('full', [like], { value: 1.5, ...shapeAttr }), g.add('zeros', [like], shapeAttr)]);
  }),
  sequence_mask: fc.tuple(dim, dim, seed).map(([b, l, sd]) => {
    const g = new Graph();
    const ids = g.input('ids', 'i32', [b, l]);
    return outputCase(g, [g.add('sequence_mask', [ids])], new Map([['ids', ints([b, l], 0, 3, sd)]]));
  }),
};
