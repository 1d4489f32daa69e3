import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { expectGolden } from '../helpers/golden.js';

const cases = join(import.meta.dirname, '..', 'cases', 'train');

describe('early_stop with the torch engine', () => {
  test('on several machines it is BIRD7035 at the setting, before any data is read', async () => {
    let stderr = '';
    // The case's data file does not exist: the refusal comes first.
    const code = await runCli(
      ['train', join(cases, 'torch-early-stop-nnodes', 'input.bird'), '--nproc', '2', '--nnodes', '2', '--no-color'],
      { stdout: () => undefined, stderr: (t) => void (stderr += t) },
    );
    expect(code).toBe(1);
    expectGolden(join(cases, 'torch-early-stop-nnodes', 'errors.txt'), stderr.replaceAll(cases + '/', ''));
  });
});
