import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { emitters, gatherRows } from '../../src/backends/tfjs/emitters.js';
import { loadTf, type Tf } from '../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../src/backends/tfjs/program.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrNode } from '../../src/ir/ir.js';
import { opRegistry } from '../../src/ops/registry.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf('cpu')).tf;
});

const node = {} as IrNode;
const run = (op: string, inputs: unknown[], attrs: Record<string, unknown> = {}): number[] =>
  Array.from(emitters.get(op)!(tf, inputs as never, attrs as never, node).dataSync());

describe('TF.js emitters', () => {
  test('cover every op the program runs (the rest: data stage, metrics in the trainer, plumbing)', () => {
    const elsewhere = new Set(['param', 'const', 'dropout', 'input', 'arg', 'call']);
    for (const op of opRegistry.values()) {
      if (op.family === 'preprocess' || op.family === 'metric' || elsewhere.has(op.name)) continue;
      expect({ op: op.name, emitter: emitters.has(op.name) }).toEqual({ op: op.name, emitter: true });
    }
  });

  test('matmul of a rank-3 tensor by a matrix', () => {
    const a = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [2, 3]);
    // Reference: each row [r0, r1] of `a` times b = [[1, 0, 0], [1, 1, 1]] is [r0 + r1, r1, r1].
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ];
    expect(run('matmul', [a, b])).toEqual(rows.flatMap(([r0, r1]) => [r0! + r1!, r1!, r1!]));
  });

  test.each([
    ['transposing x for the weight gradient', [5, 3], [3, 4]],
    ['transposing dy and the product for the weight gradient', [5, 8], [8, 2]],
    ['a one-column b (broadcast input gradient)', [5, 3], [3, 1]],
  ])("matmul gradients equal TF.js's own: %s", (_name, sa, sb) => {
    const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
    const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
    const g = tf.randomNormal([sa[0]!, sb[1]!], 0, 1, 'float32', 3);
    const ours = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(emitters.get('matmul')!(tf, [x, y], {}, node), g)))([a, b]);
    const stock = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.matMul(x, y), g)))([a, b]);
    ours.forEach((t, i) => {
      expect(t.shape).toEqual(stock[i]!.shape);
      Array.from(t.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(stock[i]!.dataSync()[k]!, 4));
    });
  });

  test("adding a bias row: the bias gradient (a matmul by ones) equals TF.js's own", () => {
    const x = tf.randomNormal([6, 3], 0, 1, 'float32', 8);
    const b = tf.randomNormal([3], 0, 1, 'float32', 9);
    const g = tf.randomNormal([6, 3], 0, 1, 'float32', 10);
    const ours = tf.grads((p: Tensor, q: Tensor) => tf.sum(tf.mul(emitters.get('add')!(tf, [p, q], {}, node), g)))([x, b]);
    const stock = tf.grads((p: Tensor, q: Tensor) => tf.sum(tf.mul(tf.add(p, q), g)))([x, b]);
    ours.forEach((t, i) => {
      expect(t.shape).toEqual(stock[i]!.shape);
      Array.from(t.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(stock[i]!.dataSync()[k]!, 5));
    });
  });

  test("concat along columns: values and the gradient cut in JS equal TF.js's own", () => {
    const xs = [
      tf.randomNormal([4, 2], 0, 1, 'float32', 4),
      tf.randomNormal([4, 1], 0, 1, 'float32', 5),
      tf.randomNormal([4, 3], 0, 1, 'float32', 6),
    ];
    const g = tf.randomNormal([4, 6], 0, 1, 'float32', 7);
    expect(run('concat', xs, { axis: -1 })).toEqual(Array.from(tf.concat(xs, 1).dataSync()));
    const ours = tf.grads((...ins: Tensor[]) => tf.sum(tf.mul(emitters.get('concat')!(tf, ins, { axis: 1 }, node), g)))(xs);
    const stock = tf.grads((...ins: Tensor[]) => tf.sum(tf.mul(tf.concat(ins, 1), g)))(xs);
    ours.forEach((t, i) => {
      expect(t.shape).toEqual(stock[i]!.shape);
      expect(Array.from(t.dataSync())).toEqual(Array.from(stock[i]!.dataSync()));
    });
  });

  test('slice: an index drops its axis, a slice keeps it', () => {
    const x = tf.tensor3d([...Array(24).keys()], [2, 3, 4]);
    expect(run('slice', [x], { spec: [[null, null, 1], 1, [1, 3, 1]] })).toEqual([5, 6, 17, 18]);
    expect(emitters.get('slice')!(tf, [x], { spec: [[null, null, 1], 1, [1, 3, 1]] }, node).shape).toEqual([2, 2]);
  });

  // x[a, b, c] = 12a + 4b + c, so a slice lists the flat positions it reads.
  test.each([
    ['unit steps and an index: x[:, 1, 1:3]', [[null, null, 1], 1, [1, 3, 1]], [5, 6, 17, 18]],
    ['steps beside an index: x[:, 0:3:2, -1]', [[null, null, 1], [0, 3, 2], -1], [3, 11, 15, 23]],
    [
      'a step longer than the axis, negative bounds: x[-1:, ::5, -3:4:2]',
      [
        [-1, null, 1],
        [null, null, 5],
        [-3, 4, 2],
      ],
      [13, 15],
    ],
  ])("slice %s: values, and a gradient that puts each output's gradient back at its position", (_name, spec, positions) => {
    const x = tf.tensor3d([...Array(24).keys()], [2, 3, 4]);
    expect(run('slice', [x], { spec })).toEqual(positions);
    const g = positions.map((_, i) => i + 1);
    const grad = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.reshape(emitters.get('slice')!(tf, [t], { spec }, node), [-1]), tf.tensor1d(g))))(
      x,
    );
    const expected = new Array<number>(24).fill(0);
    positions.forEach((position, i) => (expected[position] = g[i]!));
    expect(Array.from(grad.dataSync())).toEqual(expected);
  });

  test('embedding lookup: a bag averages its ids and skips padding (id 0)', () => {
    const table = tf.tensor2d([0, 0, 1, 2, 3, 4, 5, 6], [4, 2]);
    const ids = tf.tensor2d([1, 2, 0, 3, 0, 0], [2, 3], 'int32');
    expect(run('embedding_lookup', [ids, table], { combiner: 'mean' })).toEqual([2, 3, 5, 6]);
    expect(run('embedding_lookup', [ids, table], { combiner: 'sum' })).toEqual([4, 6, 5, 6]);
    expect(run('embedding_lookup', [tf.tensor1d([3, 1], 'int32'), table], { combiner: 'mean' })).toEqual([5, 6, 1, 2]);
  });

  test('losses against their formulas', () => {
    const p = tf.tensor1d([0.9, 0.2]);
    const y = tf.tensor1d([1, 0]);
    const bce = run('binary_cross_entropy', [p, y], { eps: 1e-7 });
    expect(bce[0]).toBeCloseTo(-Math.log(0.9), 6);
    expect(bce[1]).toBeCloseTo(-Math.log(0.8), 6);
    const logits = tf.tensor2d([2, 1, 0], [1, 3]);
    const z = Math.log(Math.exp(2) + Math.exp(1) + 1);
    expect(run('softmax_cross_entropy', [logits, tf.tensor1d([1], 'int32')])[0]).toBeCloseTo(z - 1, 6);
  });

  test('gelu uses the tanh approximation; softmax on a middle axis normalizes that axis', () => {
    const g = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    run('gelu', [tf.tensor1d([-1, 0.5, 2])]).forEach((v, i) => expect(v).toBeCloseTo(g([-1, 0.5, 2][i]!), 6));
    const s = run('softmax', [tf.tensor3d([1, 2, 3, 4], [1, 2, 2])], { axis: 1 });
    expect(s[0]! + s[2]!).toBeCloseTo(1, 6);
    expect(s[1]! + s[3]!).toBeCloseTo(1, 6);
  });

  test.each(['cpu', 'wasm'])(
    "a table's gradient through its rows on the %s backend: repeated ids add up (wasm has no UnsortedSegmentSum, TF.js's own gradient of a gather)",
    async (backend) => {
      await tf.setBackend(backend);
      try {
        const table = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
        // A bag of ids [B=2, L=3] with id 1 three times and id 4 twice; each row's weight is its position + 1.
        const ids = tf.tensor2d([1, 4, 1, 0, 1, 4], [2, 3], 'int32');
        const weights = tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1]);
        const grad = tf.grad((t: Tensor) => tf.sum(tf.mul(gatherRows(tf, t, ids), weights)))(table);
        // d/d row r = the sum of the weights where ids == r, in both columns.
        const perRow = [4, 1 + 3 + 5, 0, 0, 2 + 6];
        expect(Array.from(grad.dataSync())).toEqual(perRow.flatMap((w) => [w, w]));
        expect(Array.from(gatherRows(tf, table, ids).dataSync())).toEqual(Array.from(tf.gather(table, ids).dataSync()));
      } finally {
        await tf.setBackend('cpu');
      }
    },
  );
});

describe('the flights model as a TF.js program', () => {
  test('runs forward on a batch of the sample: probabilities in (0, 1) and a finite loss', async () => {
    const modelPath = join(repoRoot, 'models', 'flights.bird');
    const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
    const fitted = await dataset.fit();
    const program = new TfProgram(tf, fitted, 7);
    const output = fitted.outputs[0]!.node;
    const loss = fitted.train!.loss!;
    for await (const batch of dataset.batches('train', 256)) {
      const values = program.forward(batch, [output, loss]);
      const p = values.get(output)!;
      expect(p.shape).toEqual([256, 1]);
      const ps = Array.from(p.dataSync());
      expect(ps.every((x) => x > 0 && x < 1)).toBe(true);
      const l = values.get(loss)!.dataSync()[0]!;
      expect(Number.isFinite(l)).toBe(true);
      expect(l).toBeGreaterThan(0.2);
      expect(l).toBeLessThan(3);
      break;
    }
    expect([...program.variables.values()].map((v) => v.name.replace(/#\d+$/, ''))).toContain('mlp_0/dense_0/w');
    program.dispose();
  });
});
