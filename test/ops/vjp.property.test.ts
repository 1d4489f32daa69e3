import { beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../src/backends/tfjs/program.js';
import { buildTrainStep } from '../../src/ir/autodiff.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { verifyIr } from '../../src/ir/verify.js';
import type { TensorType } from '../../src/tensor/types.js';
import { lossGradients } from '../../src/train/lossGradients.js';
import { Graph } from '../helpers/irGraph.js';
import { unaryOps } from './opCases.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf('cpu')).tf;
});

/**
 * The step graph's gradients (each op's VJP) against TF.js's own gradients of the forward
 * pass, both run on TF.js's cpu backend (float32): every element within 2e-3 of the
 * largest of its tensor (plus 1e-5). Inputs are drawn from N(0, 1) per shape.
 */
async function expectGradientsMatch(graph: IrGraph, seed: number): Promise<void> {
  const step = buildTrainStep(graph);
  expect(verifyIr(step.graph, { inlined: true })).toEqual([]);
  const program = new TfProgram(tf, step.graph, seed);
  const batch = { size: 0, columns: new Map() };
  const dense = step.gradients.map((g) => ({ node: g.wrt, variable: program.variables.get(g.wrt)! as tfTypes.Tensor }));
  const reference = lossGradients(tf, program, batch, step.loss, [], dense);
  const ours = tf.tidy(() => {
    const values = program.forward(
      batch,
      step.gradients.map((g) => g.node),
    );
    return step.gradients.map((g) => values.get(g.node)!.dataSync() as Float32Array);
  });
  step.gradients.forEach((g, i) => {
    const want = reference.dense[i]!;
    const scale = want.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const worst = ours[i]!.reduce((m, x, k) => Math.max(m, Math.abs(x - want[k]!)), 0);
    expect({ gradient: g.name, ok: worst <= 2e-3 * scale + 1e-5 ? true : { worst, scale } }).toEqual({ gradient: g.name, ok: true });
  });
  program.dispose();
}

const dim = fc.integer({ min: 1, max: 4 });
const shape = fc.array(dim, { minLength: 1, maxLength: 3 });
const runs = { numRuns: 6, seed: 12 };

describe("each op's VJP against TF.js gradients, over random shapes", () => {
  const unary = unaryOps;
  test.each(unary)('%s', async (op) => {
    await fc.assert(
      fc.asyncProperty(shape, fc.integer({ min: 1, max: 1000 }), async (s, seed) => {
        const g = new Graph();
        const a = g.param('a', s);
        const x = ['log', 'sqrt', 'log1p'].includes(op) ? g.positive(a) : a;
        await expectGradientsMatch(g.withLoss(g.add(op, [x], op === 'clip' ? { min: -0.5, max: 0.7 } : {})), seed);
      }),
      runs,
    );
  });

  // b's shape: a suffix of a's, with some dimensions 1 (broadcast both ways).
  const broadcastPair = shape.chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: 0, max: s.length - 1 }),
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
    ),
  );
  test.each(['add', 'sub', 'mul', 'div', 'pow', 'minimum', 'maximum'])('%s, broadcasting', async (op) => {
    await fc.assert(
      fc.asyncProperty(broadcastPair, fc.integer({ min: 1, max: 1000 }), async ([s, drop, ones], seed) => {
        // TF.js's own Minimum and Maximum gradients fail on broadcast operands (a [1, 1]
        // gradient for a [1] input), so those two are compared on equal shapes.
        const bs = op === 'minimum' || op === 'maximum' ? s : s.slice(drop).map((d, i) => (ones[i] ? 1 : d));
        const g = new Graph();
        const a = g.param('a', s);
        const b = g.param('b', bs);
        const x = op === 'pow' || op === 'div' ? g.positive(a) : a;
        const y = op === 'div' || op === 'pow' ? g.positive(b) : b;
        await expectGradientsMatch(g.withLoss(g.add(op, [x, y])), seed);
      }),
      runs,
    );
  });

  test('sigmoid_cross_entropy, broadcasting', async () => {
    await fc.assert(
      fc.asyncProperty(broadcastPair, fc.integer({ min: 1, max: 1000 }), async ([s, drop, ones], seed) => {
        const g = new Graph();
        const z = g.param('z', s);
        const y = g.param(
          'y',
          s.slice(drop).map((d, i) => (ones[i] ? 1 : d)),
        );
        await expectGradientsMatch(g.withLoss(g.add('sigmoid_cross_entropy', [z, y])), seed);
      }),
      runs,
    );
  });

  test('broadcast_to, full and zeros (shapes read from a parameter, nothing flows back through full)', async () => {
    await fc.assert(
      fc.asyncProperty(broadcastPair, fc.integer({ min: 1, max: 1000 }), async ([s, drop, ones], seed) => {
        const g = new Graph();
        const like = g.param('like', s);
        const x = g.param(
          'x',
          s.slice(drop).map((d, i) => (ones[i] ? 1 : d)),
        );
        const filled = g.add('add', [g.add('full', [like], { value: 2 }), g.add('zeros', [like])]);
        const y = g.add('add', [g.add('mul', [g.add('broadcast_to', [x, like]), filled]), like]);
        await expectGradientsMatch(g.withLoss(y), seed);
      }),
      runs,
    );
  });

  test.each(['sum', 'mean', 'max', 'min'])('%s over random axes', async (op) => {
    await fc.assert(
      fc.asyncProperty(
        shape,
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        async (s, pick, keepdims, seed) => {
          const axes = s.map((_, i) => i).filter((i) => pick[i]);
          const g = new Graph();
          await expectGradientsMatch(g.withLoss(g.add(op, [g.param('a', s)], { axes: axes.length > 0 ? axes : null, keepdims })), seed);
        },
      ),
      runs,
    );
  });

  // Per axis: [start, stop, step] with steps up to 3, bounds omitted, negative or past the end.
  const bound = fc.option(fc.integer({ min: -5, max: 6 }), { nil: null });
  const cut = fc.tuple(bound, bound, fc.integer({ min: 1, max: 3 }));
  test('strided slice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), cut), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 1000 }),
        async (axes, seed) => {
          const s = axes.map(([d]) => d);
          const spec = axes.map(([, c]) => c);
          const g = new Graph();
          const x = g.param('a', s);
          let y: number;
          try {
            y = g.add('slice', [x], { spec });
          } catch {
            fc.pre(false);
            return;
          }
          // An empty slice has nothing to differentiate.
          fc.pre((g.nodes[y]!.type as TensorType).shape.every((d) => d !== 0));
          await expectGradientsMatch(g.withLoss(y), seed);
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  });

  test('matmul, softmax, log_softmax, transpose, concat and slice', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, fc.integer({ min: 1, max: 1000 }), async (m, k, n, seed) => {
        const g = new Graph();
        const a = g.param('a', [m, k + 1]);
        const b = g.param('b', [k + 1, n]);
        const c = g.param('c', [m, n]);
        const p = g.add('matmul', [a, b]);
        const sm = g.add('softmax', [p], { axis: -1 });
        const ls = g.add('log_softmax', [g.add('transpose', [c])], { axis: 0 });
        const joined = g.add('concat', [sm, g.add('transpose', [ls]), p], { axis: 1 });
        const cut = g.add('slice', [joined], {
          spec: [
            [null, null, 1],
            [1, 3 * n, 1],
          ],
        });
        await expectGradientsMatch(g.withLoss(cut), seed);
      }),
      runs,
    );
  });
});
