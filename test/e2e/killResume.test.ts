/**
 * A training run killed with SIGKILL inside an epoch and resumed ends with exactly the
 * weights of an unbroken run (30 s: moved out of test/cli/cli.test.ts to keep `npm test`
 * within its budget; `.ci/run` runs test/e2e after it), and so does a resumed run of a model
 * with dropout.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawn } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { repoRoot as root } from '../helpers/semanticCases.js';

async function bird(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(argv, { stdout: () => undefined, stderr: (t) => void (stderr += t) });
  return { code, stderr };
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bird-cli-')), name);
  writeFileSync(path, text);
  return path;
}

describe('bird train --resume after SIGKILL', () => {
  test('a run killed (SIGKILL) inside an epoch and resumed ends with exactly the weights of an unbroken run', async () => {
    // Ten copies of the sample: long enough (two epochs of 196 steps) to be killed mid-epoch.
    const lines = gunzipSync(readFileSync(join(root, 'models', 'data', 'flights_sample.csv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    const data = tempFile('flights60k.csv', [lines[0], ...Array.from({ length: 10 }, () => lines.slice(1)).flat()].join('\n') + '\n');
    const model = join(root, 'models', 'flights.bird');
    const common = ['--data', data, '--epochs', '2', '--batch', '256', '--backend', 'wasm', '--checkpoint-every', '7'];
    const whole = mkdtempSync(join(tmpdir(), 'bird-run-'));
    expect((await bird('train', model, ...common, '--out', whole)).code).toBe(0);
    const killed = mkdtempSync(join(tmpdir(), 'bird-run-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'train', model, ...common, '--out', killed],
      { cwd: root, stdio: 'ignore' },
    );
    const exited = new Promise<string | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    // Killed once it has written a step checkpoint in the second epoch, wherever it then is.
    // (Step checkpoints of the first epoch linger a moment after `epoch-1` appears: only later steps count.)
    const inSecondEpoch = (): boolean =>
      existsSync(join(killed, 'checkpoints')) &&
      readdirSync(join(killed, 'checkpoints')).some((d) => Number(/^step-(\d+)$/.exec(d)?.[1] ?? 0) > 196);
    while (child.exitCode === null && !inSecondEpoch()) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const resumed = await bird('train', model, ...common, '--resume', '--out', killed);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .* in epoch 2 after \d+ batches/);
    const weights = (dir: string): Buffer => readFileSync(join(dir, 'checkpoints', 'epoch-2', 'weights.bin'));
    expect(weights(killed).equals(weights(whole))).toBe(true);
    const records = readFileSync(join(killed, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(records.map((r) => [r['epoch'], r['steps'], r['examples']])).toEqual([
      [1, 196, 50000],
      [2, 196, 50000],
    ]);
    // Step checkpoints are folded into the epoch's; no temporary folders are left.
    expect(readdirSync(join(killed, 'checkpoints')).sort()).toEqual(['epoch-1', 'epoch-2']);
    // Steps trained again after the resume are logged once: steps.jsonl counts every global step once, in order.
    const steps = readFileSync(join(killed, 'steps.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number; epoch: number });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 392 }, (_, i) => i + 1));
    expect(steps.map((s) => s.epoch)).toEqual(Array.from({ length: 392 }, (_, i) => (i < 196 ? 1 : 2)));
  }, 240_000);

  test('with dropout too: its masks come from the seed and the step, so a resumed run ends at the unbroken one', async () => {
    // timelines.bird's mlp drops 30% of its units; masks drawn afresh on resume would change the weights.
    const model = join(root, 'models', 'timelines.bird');
    expect(readFileSync(model, 'utf8')).toMatch(/dropout_rate: dropout/);
    const whole = mkdtempSync(join(tmpdir(), 'bird-run-'));
    const broken = mkdtempSync(join(tmpdir(), 'bird-run-'));
    expect((await bird('train', model, '--epochs', '2', '--out', whole)).code).toBe(0);
    expect((await bird('train', model, '--epochs', '1', '--out', broken)).code).toBe(0);
    const resumed = await bird('train', model, '--epochs', '2', '--resume', '--out', broken);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('after epoch 1');
    const weights = (dir: string): Buffer => readFileSync(join(dir, 'checkpoints', 'epoch-2', 'weights.bin'));
    expect(weights(broken).equals(weights(whole))).toBe(true);
  }, 180_000);
});
