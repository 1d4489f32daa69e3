import { beforeAll, describe, expect, test } from '@jest/globals';
import { exportAtEntries } from '../../../src/backends/onnx/exportAtEntries.js';
import { printOnnx } from '../../../src/backends/onnx/printOnnx.js';
import { OnnxSession, type OnnxValue } from '../../../src/backends/onnx/runOnnx.js';
import { loadTf, type Tf } from '../../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../../src/backends/tfjs/program.js';
import type { BatchColumn } from '../../../src/ir/batch.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { tensor } from '../../../src/tensor/types.js';
import { compare, rng, tolerance } from './onnxTestHelpers.js';
import { graphParts } from './opGraph.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf()).tf;
});

const batch = 7;
// Ids 0 to depth - 1, and outside: negative and past the depth, where `one_hot` gives zeros.
const hourIds = [0, 3, 4, -1, 5, 9, 2];
const dayIds = [1, 0, 2, 2, -3, 1, 7];

/** A small graph around one dense layer: `layer` builds its matmul input and bias from the parts. */
function layerGraph(
  layer: 'one-hots and dense' | 'one-hots only' | 'const bias' | 'plain',
  seed: number,
): {
  graph: IrGraph;
  weights: Map<string, Float32Array>;
  columns: Map<string, BatchColumn>;
  feeds: Record<string, OnnxValue>;
  out: number;
} {
  const r = rng(seed);
  const { weights, columns, feeds, push, feedDense, param, graph: build } = graphParts(batch, r);
  const feed = (name: string, dtype: 'f32' | 'i32', width: number | null, values: number[]): number =>
    feedDense(name, dtype, width === null ? [] : [width], values);
  const units = 4;
  const x = feed(
    'x',
    'f32',
    3,
    Array.from({ length: batch * 3 }, () => r.normal()),
  );
  const hour = push('one_hot', [feed('hour', 'i32', null, hourIds)], { depth: 5 }, tensor('f32', ['B', 5]));
  const day = push('one_hot', [feed('day', 'i32', null, dayIds)], { depth: 3 }, tensor('f32', ['B', 3]));
  const parts = layer === 'one-hots only' ? [hour, day] : [hour, x, day];
  const width = layer === 'one-hots only' ? 8 : 11;
  const input = layer === 'plain' ? x : push('concat', parts, { axis: 1, xs_count: parts.length }, tensor('f32', ['B', width]));
  const w = param('w', [layer === 'plain' ? 3 : width, units]);
  const product = push('matmul', [input, w], {}, tensor('f32', ['B', units]));
  const bias = layer === 'const bias' ? push('const', [], { value: [0.5, -1, 2, 0] }, tensor('f32', [units])) : param('b', [units]);
  const sum = layer === 'one-hots only' ? product : push('add', [bias, product], {}, tensor('f32', ['B', units]));
  const out = push('relu', [sum], {}, tensor('f32', ['B', units]));
  return { graph: build('layer', out), weights, columns, feeds, out };
}

describe('dense layers fused in the ONNX graph', () => {
  test.each(['one-hots and dense', 'one-hots only', 'const bias', 'plain'] as const)(
    `%s: fused and op for op agree with TF.js within ${tolerance.abs} abs + ${tolerance.rel} rel, ids out of range included`,
    async (layer) => {
      const { graph, weights, columns, feeds, out } = layerGraph(layer, 7);
      const program = new TfProgram(tf, graph, 1);
      const overrides = new Map(
        graph.nodes
          .filter((n) => n.op === 'param')
          .map((n) => [n.id, tf.tensor(weights.get(String(n.attrs['name']))!, n.attrs['shape'] as number[])]),
      );
      const expected = Array.from(program.forward({ size: batch, columns }, [out], { overrides }).get(out)!.dataSync());
      program.dispose();
      const ops: Record<string, string[]> = {};
      for (const fuse of [true, false]) {
        const model = exportAtEntries(graph, weights, [{ name: 'out', node: out }], { fuse });
        ops[String(fuse)] = printOnnx(model.bytes)
          .split('\n')
          .flatMap((l) => /= ([A-Za-z.]+)\(/.exec(l)?.[1] ?? []);
        const session = await OnnxSession.load(model.bytes);
        const actual = Array.from((await session.run(feeds))['out']!.data as Float32Array);
        await session.release();
        const { maxAbs, worst, at } = compare(actual, expected);
        if (worst > 0)
          throw new Error(
            `fuse ${String(fuse)}: max abs diff ${maxAbs} exceeds the tolerance at ${at}: onnx ${actual[at]} vs tf ${expected[at]}`,
          );
      }
      expect(ops['false']).toContain('MatMul');
      expect(ops['true']).not.toContain('MatMul');
      expect(ops['true']!.includes('OneHot')).toBe(false);
      if (layer !== 'one-hots only') expect(ops['true']).toContain('Gemm');
    },
  );

  test('the folded tables are the weight rows of each one-hot part plus a row of zeros, the bias in the first', () => {
    const { graph, weights, out } = layerGraph('one-hots and dense', 7);
    const dump = printOnnx(exportAtEntries(graph, weights, [{ name: 'out', node: out }]).bytes);
    expect(dump.split('\n').filter((l) => l.startsWith('init w'))).toEqual([
      'init w[0:5]+b: float32[6, 4]',
      'init w[8:11]: float32[4, 4]',
      'init w[5:8]: float32[3, 4]',
    ]);
  });
});
