import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { chooseEngine } from '../../src/train/engine.js';
import { expectGolden } from '../helpers/golden.js';

const cases = join(import.meta.dirname, '..', 'cases', 'train');

describe('engine selection', () => {
  test("--engine wins over the train section, which wins over a resumed run's engine, which wins over the default", () => {
    const can = (): string | undefined => undefined;
    const cannot = (): string | undefined => 'no gradient';
    expect(chooseEngine('onnxruntime', { engine: 'tfjs' }, 'torch', cannot)).toEqual({ name: 'onnxruntime', from: 'flag' });
    expect(chooseEngine(undefined, { engine: 'onnxruntime' }, 'tfjs', can)).toEqual({ name: 'onnxruntime', from: 'setting' });
    expect(chooseEngine(undefined, {}, 'tfjs', can)).toEqual({ name: 'tfjs', from: 'resumed' });
    // The default: onnxruntime for a model it can train, tfjs (which trains every model) with the reason otherwise.
    expect(chooseEngine(undefined, {}, undefined, can)).toEqual({ name: 'onnxruntime', from: 'default' });
    expect(chooseEngine(undefined, {}, undefined, cannot)).toEqual({ name: 'tfjs', from: 'default', fallback: 'no gradient' });
  });

  test('the default engine is onnxruntime for a model it can train, and tfjs, with the reason, for one it cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-default-engine-'));
    const rows = Array.from({ length: 64 }, (_, i) => `${'abcdefgh'[i % 8]},${i % 3 === 0 ? 1 : 0}`);
    writeFileSync(join(dir, 'd.csv'), ['tag,y', ...rows].join('\n') + '\n');
    const cannot = readFileSync(join(cases, 'engine-cannot-train', 'input.bird'), 'utf8');
    writeFileSync(join(dir, 'cannot.bird'), cannot);
    // The same model with its table read only by its lookups: the autodiff pass builds its gradient.
    writeFileSync(join(dir, 'can.bird'), cannot.replace(' + sum(table)', ''));
    const train = async (file: string): Promise<string> => {
      let stderr = '';
      const out = join(dir, `run-${file}`);
      const code = await runCli(['train', join(dir, file), '--out', out, '--no-color'], {
        stdout: () => undefined,
        stderr: (t) => void (stderr += t),
      });
      // On failure, the run's diagnostics.
      expect(code === 0 ? '' : stderr).toBe('');
      // The run records its engine, so a resumed run goes on with it.
      expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).engine).toBe(file === 'can.bird' ? 'onnxruntime' : undefined);
      return stderr;
    };
    expect(await train('can.bird')).toContain('training M on ONNX Runtime');
    const fallback = await train('cannot.bird');
    expect(fallback).toContain(
      'training on tfjs: the default engine, onnxruntime, cannot train `M` (`embedding_lookup` gives its table row-sparse gradients',
    );
    expect(fallback).toMatch(/training M on the \w+ backend/);
  }, 60_000);

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
