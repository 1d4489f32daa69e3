import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { expectParity, firstRows, modelParity } from './modelParity.js';
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
    const parity = await modelParity(graph, rows, 3);
    expect(parity.onnx).toHaveLength(400);
    if (process.env['BIRD_REPORT_DIFFS'] === '1') console.log(`flights: max abs diff ${parity.maxAbs}`);
    expectParity(parity, 'over 400 rows');
    expect(parity.maxAbs).toBeLessThan(tolerance.abs + tolerance.rel);
  }, 60_000);
});
