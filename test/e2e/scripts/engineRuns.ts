// Whole runs of bundled models on both engines through `trainModel` (what `bird train`
// calls), printed as JSON. Run by test/e2e/engineRuns.test.ts in a child process:
// onnxruntime-node's outputs are typed arrays of the main realm, which jest's module realm
// refuses.
//
// usage: engineRuns.ts [--resume=MODEL,...] [--torch=MODEL,...] MODEL...
// Each MODEL (a name under models/) is trained as its train section says on `tfjs` and on
// `onnxruntime`: the holdout metrics of every epoch. Each --resume MODEL is also stopped
// after its first step checkpoint on one engine and resumed (`resume: true`) on the other,
// both ways: the largest difference of every tensor of its last checkpoint (weights and
// optimizer state) from the uninterrupted run on the engine it finished on. Each --torch
// MODEL is trained one epoch on the `torch` engine and resumed for a second on `tfjs`, against
// two epochs on `tfjs`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainModel, type TrainOptions } from '../../../src/pipeline/trainModel.js';
import { latestCheckpoint, readCheckpoint } from '../../../src/train/checkpoint.js';
import type { TrainEngineName } from '../../../src/train/engine.js';

const root = join(import.meta.dirname, '..', '..', '..');
const engines = ['tfjs', 'onnxruntime'] as const;
const listed = (flag: string): Set<string> =>
  new Set(
    process.argv
      .filter((a) => a.startsWith(`--${flag}=`))
      .flatMap((a) => a.slice(flag.length + 3).split(','))
      .filter((m) => m !== ''),
  );
const resumed = listed('resume');
const fromTorch = listed('torch');
const models = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const scratch = mkdtempSync(join(tmpdir(), 'bird-engine-runs-'));

/** Stops a run from its progress callback once it has written its first step checkpoint. */
class Stopped extends Error {}

/** A whole run's folder; `stopAtCheckpoint` stops it after its first step checkpoint. */
async function train(options: TrainOptions, stopAtCheckpoint = false): Promise<string> {
  try {
    const r = await trainModel({ backend: 'wasm', threads: 1, ...options }, (e) => {
      if (stopAtCheckpoint && e.kind === 'checkpoint' && e.name.startsWith('step-')) throw new Stopped();
    });
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(r.diagnostics));
    if (stopAtCheckpoint) throw new Error(`${options.file} wrote no step checkpoint to stop at`);
  } catch (error) {
    if (!(error instanceof Stopped)) throw error;
  }
  return options.out!;
}

/** The largest absolute difference per tensor between two runs' last checkpoints, and the steps they stand at. */
function compareCheckpoints(a: string, b: string): { stepA: number; stepB: number; gaps: Record<string, number> } {
  const ca = readCheckpoint(latestCheckpoint(a)!);
  const cb = readCheckpoint(latestCheckpoint(b)!);
  const gaps: Record<string, number> = {};
  for (const [name, va] of ca.tensors) {
    const vb = cb.tensors.get(name);
    if (!vb || vb.length !== va.length) {
      gaps[name] = Infinity;
      continue;
    }
    let worst = 0;
    for (let i = 0; i < va.length; i++) worst = Math.max(worst, Math.abs(va[i]! - vb[i]!));
    gaps[name] = worst;
  }
  for (const name of cb.tensors.keys()) if (!ca.tensors.has(name)) gaps[name] = Infinity;
  return { stepA: ca.step, stepB: cb.step, gaps };
}

const results: Record<string, unknown> = {};
try {
  for (const name of models) {
    const started = performance.now();
    const file = join(root, 'models', `${name}.bird`);
    const resume = resumed.has(name);
    // Checkpoints every 2 steps (kept until the epoch ends) give the resumed runs a step checkpoint to stop at.
    const common = { file, ...(resume ? { checkpointEvery: 2 } : {}) };
    const straight = {} as Record<TrainEngineName, string>;
    const metrics: Record<string, unknown> = {};
    for (const engine of engines) {
      straight[engine] = await train({ ...common, engine, out: join(scratch, `${name}-${engine}`) });
      metrics[engine] = readCheckpoint(latestCheckpoint(straight[engine])!).record;
    }
    const resumes: Record<string, unknown> = {};
    if (resume)
      for (const [first, then] of [
        ['tfjs', 'onnxruntime'],
        ['onnxruntime', 'tfjs'],
      ] as const) {
        const out = join(scratch, `${name}-${first}-then-${then}`);
        await train({ ...common, engine: first, out }, true);
        const stoppedAt = readCheckpoint(latestCheckpoint(out)!).step;
        await train({ ...common, engine: then, out, resume: true });
        resumes[`${first} then ${then}`] = { stoppedAt, ...compareCheckpoints(out, straight[then]) };
      }
    if (fromTorch.has(name)) {
      const out = join(scratch, `${name}-torch-then-tfjs`);
      await train({ file, engine: 'torch', epochs: 1, out });
      await train({ file, engine: 'tfjs', epochs: 2, out, resume: true });
      const twice = await train({ file, engine: 'tfjs', epochs: 2, out: join(scratch, `${name}-tfjs-2`) });
      resumes['torch then tfjs'] = {
        stoppedAt: readCheckpoint(join(out, 'checkpoints', 'epoch-1')).step,
        ...compareCheckpoints(out, twice),
      };
    }
    results[name] = {
      seconds: Math.round((performance.now() - started) / 1000),
      metrics,
      ...(Object.keys(resumes).length > 0 ? { resumes } : {}),
    };
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(results) + '\n');
