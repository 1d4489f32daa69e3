import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { exportAtEntries } from '../../../src/backends/onnx/exportAtEntries.js';
import { loweredOps, onnxEmitters, outOfGraphOps, trainingOnlyOps } from '../../../src/backends/onnx/onnxEmitters.js';
import { OnnxSession } from '../../../src/backends/onnx/runOnnx.js';
import { loadTf, type Tf } from '../../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../../src/backends/tfjs/program.js';
import { opRegistry } from '../../../src/ops/registry.js';
import { opCases } from './opCases.js';
import { caseGraph } from './opGraph.js';
import { compare, tolerance } from './onnxTestHelpers.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf()).tf;
});

// `BIRD_REPORT_DIFFS=1` prints the largest difference of each case, for the documentation.
const diffs: [string, number][] = [];
afterAll(() => {
  if (process.env['BIRD_REPORT_DIFFS'] === '1') console.log(diffs.map(([n, d]) => `${d.toExponential(2)}  ${n}`).join('\n'));
});

describe('the ONNX op table', () => {
  test('places every registry op: an emitter, lowered directly, training only, or outside the graph', () => {
    const unplaced = [...opRegistry.keys()].filter(
      (op) => [onnxEmitters.has(op), loweredOps.has(op), trainingOnlyOps.has(op), outOfGraphOps.has(op)].filter(Boolean).length !== 1,
    );
    expect(unplaced).toEqual([]);
  });

  test('every op with an emitter (and dropout, const) has a parity case', () => {
    // zscore, bucketize and vocab_lookup are compared with the data stage on raw rows in featureKinds.test.ts,
    // impute (with NaN for missing values) in missingValues.test.ts.
    const covered = new Set([...opCases.map((c) => c.op), 'const', 'zscore', 'bucketize', 'vocab_lookup', 'impute']);
    expect([...onnxEmitters.keys(), 'dropout', 'const'].filter((op) => !covered.has(op))).toEqual([]);
  });
});

describe(`ops through TF.js and ONNX Runtime agree within ${tolerance.abs} abs + ${tolerance.rel} rel`, () => {
  const named = opCases.map(
    (c, i) => [`${c.op}${c.label ? ` (${c.label})` : ''}${c.attrs ? ` ${JSON.stringify(c.attrs)}` : ''}`, c, i] as const,
  );
  test.each(named)('%s', async (title, c, i) => {
    const { graph, weights, batch, feeds, out } = caseGraph(c, 1000 + i);
    const program = new TfProgram(tf, graph, 1);
    const overrides = new Map(
      graph.nodes
        .filter((n) => n.op === 'param')
        .map((n) => [n.id, tf.tensor(weights.get(String(n.attrs['name']))!, n.attrs['shape'] as number[])]),
    );
    const tfOut = program.forward(batch, [out], { overrides }).get(out)!;
    const expected = Array.from(tfOut.dataSync(), Number);
    const expectedShape = tfOut.shape;
    program.dispose();
    const model = exportAtEntries(graph, weights, [{ name: 'out', node: out }]);
    const session = await OnnxSession.load(model.bytes);
    const result = (await session.run(feeds))['out']!;
    await session.release();
    expect(result.dims).toEqual(expectedShape);
    const actual = Array.from(result.data as ArrayLike<number | bigint | boolean>, Number);
    const { maxAbs, worst, at } = compare(actual, expected);
    diffs.push([title, maxAbs]);
    if (worst > 0) throw new Error(`max abs diff ${maxAbs} exceeds the tolerance at ${at}: onnx ${actual[at]} vs tf ${expected[at]}`);
    expect(maxAbs).toBeLessThanOrEqual(tolerance.abs + tolerance.rel * Math.max(...expected.map(Math.abs)));
  });
});
