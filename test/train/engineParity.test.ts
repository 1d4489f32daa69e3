import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { repoRoot } from '../helpers/semanticCases.js';

interface StepResult {
  lossTf: number;
  lossOrt: number;
  params: { name: string; other: string; update: number; diff: number }[];
}

// The bundled models, and a strided slice between dense layers (its VJP in the step graph).
const models = [
  'flights',
  'flights_best',
  'movielens',
  'cortex',
  'timelines',
  'credit',
  'tweet_text',
  'test/cases/train/strided-slice/model.bird',
];

// One training step on the same batch (256 rows of the model's sample), from the same
// initial weights, with the same Adam update and dropout masks, on the TF.js engine and on the onnxruntime
// engine (the IR's own gradients lowered to ONNX): the same loss within 1e-5 (relative),
// and every parameter, dense and embedding tables alike, within 1e-6 plus 1e-3 of the
// step's largest update of that parameter. (Adam's first step moves each weight by about
// lr whatever its gradient's size, so a gradient that is tiny but not zero on one engine
// shows as a whole update: the bound is on the update, not the gradient.)
describe('one step on both engines', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', join(repoRoot, 'bench', 'register.mjs'), join(repoRoot, 'test', 'train', 'scripts', 'engineStep.ts'), ...models],
    { encoding: 'utf8', cwd: repoRoot },
  );
  const results = run.status === 0 ? (JSON.parse(run.stdout) as Record<string, StepResult>) : undefined;
  test.each(models)('%s gives the same loss and weights', (name) => {
    expect(run.stderr && run.status !== 0 ? run.stderr : '').toBe('');
    const r = results![name]!;
    expect(Math.abs(r.lossOrt - r.lossTf)).toBeLessThan(1e-5 * Math.max(1, r.lossTf));
    for (const p of r.params) {
      expect(p.other).toBe(p.name);
      expect({ name: p.name, close: p.diff <= 1e-6 + 1e-3 * p.update ? true : p }).toEqual({ name: p.name, close: true });
    }
  });
});
