import { join, relative } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { expectGolden } from '../helpers/golden.js';
import { repoRoot } from '../helpers/semanticCases.js';

const cases = join(repoRoot, 'test', 'cases', 'ir', 'train-step');

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

// The training step of the flights model (forward, loss, gradients) as IR and as the
// ONNX model the onnxruntime engine runs, against goldens; and a loss that cannot be
// differentiated (an embedding table also read outside its lookups) as BIRD5015 at the loss.
describe('bird compile --emit train-ir / train-onnx', () => {
  const model = relative(process.cwd(), join(repoRoot, 'models', 'flights.bird'));
  test.each(['train-ir', 'train-onnx'])('%s of models/flights.bird', async (emit) => {
    const r = await bird('compile', '--emit', emit, model);
    expect(r.code).toBe(0);
    expectGolden(join(cases, `flights.${emit}.txt`), r.stdout);
  });

  test('a loss through a table read outside its lookups is BIRD5015', async () => {
    const r = await bird('compile', '--emit', 'train-ir', relative(process.cwd(), join(cases, 'shared-table', 'input.bird')), '--no-color');
    expect(r.code).toBe(1);
    expectGolden(join(cases, 'shared-table', 'errors.txt'), r.stderr);
  });
});
