/** @jest-environment ./test/backends/onnx/ortEnvironment.cjs */
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { firstRows, modelParity } from './modelParity.js';
import { fittedModel, tolerance } from './onnxTestHelpers.js';

describe('the flights model: raw rows through ONNX agree with the data stage and TF.js', () => {
  test(`within ${tolerance.abs} abs + ${tolerance.rel} rel, with missing and unknown values`, async () => {
    const { graph, modelPath } = await fittedModel('flights.bird');
    const rows = (await firstRows(join(modelPath, '..', 'data', 'flights_sample.csv.gz'), 400)).map((r, i) => ({
      ...r,
      // Missing and unseen values, which the graph must treat as the data stage does.
      ...(i % 7 === 3 ? { distance: '' } : {}),
      ...(i % 11 === 4 ? { origin: '' } : {}),
      ...(i % 13 === 5 ? { destination: 'ZZZ', route: 'ZZZ-QQQ' } : {}),
      ...(i % 17 === 6 ? { hour: '' } : {}),
    }));
    const { maxAbs, worst, at, onnx, tf } = await modelParity(graph, rows, 3);
    expect(onnx).toHaveLength(400);
    // The outputs are not saturated, so the comparison means something.
    expect(Math.max(...tf) - Math.min(...tf)).toBeGreaterThan(0.01);
    if (process.env['BIRD_REPORT_DIFFS'] === '1') console.log(`flights: max abs diff ${maxAbs}`);
    if (worst > 0) throw new Error(`max abs diff ${maxAbs} over 400 rows exceeds the tolerance at row ${at}: onnx ${onnx[at]} vs tf ${tf[at]}`);
    expect(maxAbs).toBeLessThan(tolerance.abs + tolerance.rel);
  }, 60_000);
});
