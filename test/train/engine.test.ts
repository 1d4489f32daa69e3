import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { chooseEngine } from '../../src/train/engine.js';
import { expectGolden } from '../helpers/golden.js';

const cases = join(import.meta.dirname, '..', 'cases', 'train');

describe('engine selection', () => {
  test('--engine wins over the train section, which wins over the default', () => {
    expect(chooseEngine('onnxruntime', { engine: 'tfjs' })).toEqual({ name: 'onnxruntime', from: 'flag' });
    expect(chooseEngine(undefined, { engine: 'onnxruntime' })).toEqual({ name: 'onnxruntime', from: 'setting' });
    expect(chooseEngine(undefined, {})).toEqual({ name: 'tfjs', from: 'default' });
  });

  test('an engine the train section names that cannot run here is BIRD7025 at the setting, before any data is read', async () => {
    let stderr = '';
    // The case's data file does not exist: the engine is refused first. The torch engine
    // runs its ranks under BIRD_PYTHON; one that does not exist cannot run it.
    const saved = process.env['BIRD_PYTHON'];
    process.env['BIRD_PYTHON'] = '/nonexistent/python3';
    const code = await runCli(['train', join(cases, 'engine-unavailable', 'input.bird'), '--no-color'], {
      stdout: () => undefined,
      stderr: (t) => void (stderr += t),
    }).finally(() => {
      if (saved === undefined) delete process.env['BIRD_PYTHON'];
      else process.env['BIRD_PYTHON'] = saved;
    });
    expect(code).toBe(1);
    expectGolden(join(cases, 'engine-unavailable', 'errors.txt'), stderr.replaceAll(cases + '/', ''));
  });

  test('an engine --engine chooses that cannot train the model is BIRD7026 at the model, before any data is read', async () => {
    let stderr = '';
    // Its embedding table is read by another op than its lookups: the IR autodiff pass, which
    // the onnxruntime engine runs, cannot build its gradient (BIRD5015 for `--emit train-ir`).
    // The case's data file does not exist: the engine is refused first.
    const code = await runCli(['train', join(cases, 'engine-cannot-train', 'input.bird'), '--engine', 'onnxruntime', '--no-color'], {
      stdout: () => undefined,
      stderr: (t) => void (stderr += t),
    });
    expect(code).toBe(1);
    expectGolden(join(cases, 'engine-cannot-train', 'errors.txt'), stderr.replaceAll(cases + '/', ''));
  });

  test('a PyTorch rank that fails is BIRD7036 at the run, with the end of its standard error', async () => {
    // The case's `python3` answers the PyTorch probe, then fails as a rank that ran out of memory would.
    let stderr = '';
    const out = join(mkdtempSync(join(tmpdir(), 'bird-torch-')), 'run');
    const saved = process.env['BIRD_PYTHON'];
    process.env['BIRD_PYTHON'] = join(cases, 'torch-rank-fails', 'python3');
    const code = await runCli(
      ['train', join(cases, 'strided-slice', 'model.bird'), '--engine', 'torch', '--backend', 'cpu', '--out', out, '--no-color'],
      { stdout: () => undefined, stderr: (t) => void (stderr += t) },
    ).finally(() => {
      if (saved === undefined) delete process.env['BIRD_PYTHON'];
      else process.env['BIRD_PYTHON'] = saved;
    });
    expect(code).toBe(1);
    // The lines before it (fitting, encoding) carry times.
    expectGolden(join(cases, 'torch-rank-fails', 'errors.txt'), stderr.slice(stderr.indexOf('error[')).replaceAll(out, 'RUN'));
    // A new run that failed before its first checkpoint leaves nothing behind.
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
