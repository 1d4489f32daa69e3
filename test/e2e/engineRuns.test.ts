import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { repoRoot } from '../helpers/semanticCases.js';

interface RunResult {
  seconds: number;
  metrics: Record<'tfjs' | 'onnxruntime', Record<string, number>>;
  resumes?: Record<string, { stoppedAt: number; stepA: number; stepB: number; gaps: Record<string, number> }>;
}

// Every model in models/ trains on both engines (timelines.bird's dropout too: the trainer
// draws the masks for both). Each is trained as its train section says, on its bundled sample.
// The folder is listed, so a model added there is covered without editing this file; none
// needs special handling (a model whose train section cannot run on one engine fails here).
const models = readdirSync(join(repoRoot, 'models'))
  .filter((f) => f.endsWith('.bird'))
  .map((f) => f.slice(0, -'.bird'.length))
  .sort();
// Stopped after a step checkpoint on one engine and resumed on the other (`--resume --engine`):
// movielens has embedding tables (lazy Adam state), a cosine schedule and three epochs, so the
// resume lands inside the first epoch and crosses epoch ends on the second engine. flights is
// also trained one epoch on the PyTorch engine (Bird's checkpoint format) and resumed for a
// second on tfjs (at the epoch's end: mid-epoch step checkpoints are not compared across these two).
const resumed: Record<string, string[]> = {
  movielens: ['onnxruntime then tfjs', 'tfjs then onnxruntime'],
  flights: ['torch then tfjs'],
};

// Whole runs through `trainModel` in a child process (`scripts/engineRuns.ts`).
describe('short runs on both engines', () => {
  test('models/ holds the bundled models', () => {
    expect(models).toEqual(expect.arrayContaining(['flights', 'movielens', ...Object.keys(resumed)]));
  });

  const run = spawnSync(
    process.execPath,
    [
      '--import',
      join(repoRoot, 'bench', 'register.mjs'),
      join(repoRoot, 'test', 'e2e', 'scripts', 'engineRuns.ts'),
      '--resume=movielens',
      '--torch=flights',
      ...models,
    ],
    { encoding: 'utf8', cwd: repoRoot },
  );
  const results = run.status === 0 ? (JSON.parse(run.stdout) as Record<string, RunResult>) : undefined;

  // The same holdout AUC within 0.002 (issue 12), every AUC of the train section, after the
  // last epoch; the runs' losses agree too (1e-3 relative).
  test.each(models)('%s gives the same holdout AUC on both engines', (name) => {
    expect(run.status === 0 ? '' : run.stderr).toBe('');
    const { tfjs, onnxruntime } = results![name]!.metrics;
    const aucs = Object.keys(tfjs).filter((k) => k.startsWith('auc('));
    expect(aucs.length).toBeGreaterThan(0);
    for (const k of aucs)
      expect({ k, gap: Math.abs(tfjs[k]! - onnxruntime[k]!) <= 0.002 ? 'within 0.002' : [tfjs[k], onnxruntime[k]] }).toEqual({
        k,
        gap: 'within 0.002',
      });
    expect(Math.abs(tfjs['loss']! - onnxruntime['loss']!)).toBeLessThanOrEqual(1e-3 * Math.abs(tfjs['loss']!));
  });

  // A run stopped on one engine and resumed on the other ends with the weights and optimizer
  // state (Adam's moments, dense and per table row) of an uninterrupted run on the second
  // engine, every tensor within 1e-5 absolute (measured: 4.5e-8 at most). The two differ only
  // by the float rounding of the steps taken on the first engine; a lost optimizer state, step
  // count or schedule position moves weights by about lr (1e-3 to 2e-3).
  test.each(Object.keys(resumed))('%s resumes on the other engine as if never stopped', (name) => {
    expect(run.status === 0 ? '' : run.stderr).toBe('');
    const resumes = results![name]!.resumes!;
    expect(Object.keys(resumes).sort()).toEqual(resumed[name]);
    for (const [way, r] of Object.entries(resumes)) {
      expect({ way, steps: r.stepA }).toEqual({ way, steps: r.stepB });
      expect(r.stoppedAt).toBeLessThan(r.stepB);
      const far = Object.entries(r.gaps).filter(([, gap]) => !(gap <= 1e-5));
      expect({ way, far }).toEqual({ way, far: [] });
      // Optimizer state is compared, not only weights.
      expect(Object.keys(r.gaps).some((k) => k.includes(':'))).toBe(true);
    }
  });
});
