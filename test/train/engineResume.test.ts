import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { repoRoot } from '../helpers/semanticCases.js';

interface ResumeResult {
  step: number;
  checkpointGap: number;
  lossResumed: number;
  lossStraight: number;
  paramGap: number;
}

// A checkpoint (Bird's format, written and read back from disk: weights, Adam's moments,
// the step) taken after two steps on one engine and resumed for a third step on the other,
// against three steps on the second engine alone: the same loss (1e-5 relative) and every
// weight within 1e-5 (a lost optimizer state or step count moves weights by about lr = 1e-2;
// timelines.bird's dropout masks follow the restored step).
test('a checkpoint from one engine resumes on the other', () => {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      join(repoRoot, 'bench', 'register.mjs'),
      join(repoRoot, 'test', 'train', 'scripts', 'engineResume.ts'),
      'flights',
      'timelines',
    ],
    { encoding: 'utf8', cwd: repoRoot },
  );
  expect(run.status === 0 ? '' : run.stderr).toBe('');
  const results = JSON.parse(run.stdout) as Record<string, ResumeResult>;
  expect(Object.keys(results).sort()).toEqual([
    'flights: onnxruntime then tfjs',
    'flights: tfjs then onnxruntime',
    'timelines: onnxruntime then tfjs',
    'timelines: tfjs then onnxruntime',
  ]);
  for (const [name, r] of Object.entries(results)) {
    expect({ name, step: r.step }).toEqual({ name, step: 3 });
    expect({ name, loss: Math.abs(r.lossResumed - r.lossStraight) <= 1e-5 * Math.max(1, r.lossStraight) ? 'same' : r }).toEqual({
      name,
      loss: 'same',
    });
    expect({ name, weights: r.checkpointGap <= 1e-5 && r.paramGap <= 1e-5 ? 'same' : r }).toEqual({ name, weights: 'same' });
  }
});
