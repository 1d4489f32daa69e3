import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';
import { expectParity, firstRows, modelParity } from './modelParity.js';
import { tolerance } from './onnxTestHelpers.js';

// std.nn's lstm and gru are unrolled at compile time: a chain of slices, matmuls and gates
// per step, with the mask holding the state across padding. No bundled model uses them.
describe('an unrolled LSTM and GRU with attention pooling: raw rows through ONNX agree with TF.js', () => {
  test(`within ${tolerance.abs} abs + ${tolerance.rel} rel, on texts longer and shorter than the 12 steps, and empty ones`, async () => {
    const modelPath = join(repoRoot, 'test', 'cases', 'onnx', 'sequence', 'input.bird');
    const checked = checkFile(modelPath, repoRoot);
    expect(checked.diagnostics).toEqual([]);
    const graph = compileModel(checked.models[0]!).graph;
    const fitted = await new Dataset(graph, dataSource(graph.train!.settings['data'], modelPath)!).fit();
    const sample = join(repoRoot, 'models', 'data', 'tweets_sample.jsonl.gz');
    const rows = (await firstRows(sample, 300)).map((r, i) => ({
      label_engaged: r['label_engaged']!,
      text: i % 9 === 4 ? '' : i % 5 === 2 ? r['text']!.split(' ').slice(0, 3).join(' ') : r['text']!,
    }));
    const parity = await modelParity(fitted, rows, 5);
    expect(parity.onnx).toHaveLength(300);
    expectParity(parity, 'over 300 rows');
    expect(parity.maxAbs).toBeLessThan(tolerance.abs + tolerance.rel);
  }, 60_000);
});
