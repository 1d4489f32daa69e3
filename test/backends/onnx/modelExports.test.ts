import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { printOnnx } from '../../../src/backends/onnx/printOnnx.js';
import { expectGolden } from '../../helpers/golden.js';
import { repoRoot } from '../../helpers/semanticCases.js';
import { checkModels, fittedModel, randomWeights } from './onnxTestHelpers.js';

const models = readdirSync(join(repoRoot, 'models'))
  .filter((f) => f.endsWith('.bird'))
  .sort();

describe.each(models)('models/%s exported to ONNX', (file) => {
  const model = file.replace(/\.bird$/, '');

  test('every signature matches its golden dump and passes onnx.checker with full_check', async () => {
    const { graph } = await fittedModel(file);
    const signatures = exportSignatures(graph, randomWeights(graph, 1));
    expect(signatures.map((s) => s.name)).toEqual(graph.signatures.map((s) => s.name));
    for (const sig of signatures) expectGolden(join(repoRoot, 'test', 'cases', 'onnx', model, `${sig.name}.txt`), printOnnx(sig.onnx));

    checkModels(model, signatures);
  }, 60_000);
});
