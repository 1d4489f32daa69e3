/** @jest-environment ./test/backends/onnx/ortEnvironment.cjs */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { printOnnx } from '../../../src/backends/onnx/printOnnx.js';
import { expectGolden } from '../../helpers/golden.js';
import { repoRoot } from '../../helpers/semanticCases.js';
import { checkerScript, fittedModel, onnxPython, randomWeights } from './onnxTestHelpers.js';

const models = readdirSync(join(repoRoot, 'models')).filter((f) => f.endsWith('.bird')).sort();
const work = mkdtempSync(join(tmpdir(), 'bird-onnx-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(models)('models/%s exported to ONNX', (file) => {
  const model = file.replace(/\.bird$/, '');

  test('every signature matches its golden dump and passes onnx.checker with full_check', async () => {
    const { graph } = await fittedModel(file);
    const signatures = exportSignatures(graph, randomWeights(graph, 1));
    expect(signatures.map((s) => s.name)).toEqual(graph.signatures.map((s) => s.name));
    for (const sig of signatures) expectGolden(join(repoRoot, 'test', 'cases', 'onnx', model, `${sig.name}.txt`), printOnnx(sig.onnx));

    const python = onnxPython();
    if (!python) {
      // CI installs python3-onnx (.ci/run), so there a missing checker is a failure, not a skip.
      if (process.env['CI'] === 'true') throw new Error('the ONNX checker needs Python with the `onnx` package: apt-get install python3-onnx');
      console.warn('skipping onnx.checker: no Python with the `onnx` package (apt-get install python3-onnx)');
      return;
    }
    const paths = signatures.map((sig) => {
      const path = join(work, `${model}.${sig.name}.onnx`);
      writeFileSync(path, sig.onnx);
      return path;
    });
    const run = spawnSync(python, [checkerScript, ...paths], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: paths.map((p) => `ok ${p}\n`).join(''), stderr: '' });
  }, 60_000);
});
