/**
 * `trainModel` called in-process, as a program embedding Bird calls it: the progress
 * events in the order they happen, the run folder written, a resumed run, and refusals as
 * diagnostics (a wrong option as a `UsageError`).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { trainModel, type TrainProgress } from '../../src/pipeline/trainModel.js';
import { UsageError } from '../../src/pipeline/usageError.js';

const cases = join(import.meta.dirname, '..', 'cases', 'train');
// 300 rows, every fifth held out: 240 training rows, 4 steps of 64 per epoch.
const model = join(cases, 'strided-slice', 'model.bird');
const common = { file: model, batch: 64, checkpointEvery: 2, backend: 'cpu', threads: 1 } as const;

/** The events' kinds, each run of steps written once as `step*N`. */
function kinds(events: readonly TrainProgress[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (e.kind === 'step' && last?.startsWith('step*')) out[out.length - 1] = `step*${Number(last.slice(5)) + 1}`;
    else out.push(e.kind === 'step' ? 'step*1' : e.kind === 'checkpoint' ? `checkpoint ${e.name}` : e.kind);
  }
  return out;
}

describe('trainModel', () => {
  test('trains one epoch, reporting each step, checkpoint and epoch, and writes the run folder; a resume continues it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pipe-')), 'run');
    const events: TrainProgress[] = [];
    const r = await trainModel({ ...common, out, epochs: 1 }, (e) => events.push(e));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.run).toBe(out);
    expect(r.value?.model).toBe('M');
    expect(kinds(events)).toEqual([
      'checked',
      'fitted',
      'started',
      'step*2',
      'checkpoint step-2',
      'step*2',
      'checkpoint epoch-1',
      'epoch',
      'written',
    ]);
    expect(events.find((e) => e.kind === 'fitted')).toMatchObject({ trainRows: 240 });
    expect(events.find((e) => e.kind === 'started')).toMatchObject({
      engine: 'onnxruntime',
      backend: 'cpu',
      threads: 1,
      epochs: 1,
      batch: 64,
    });
    const steps = events.filter((e) => e.kind === 'step');
    expect(steps.map((s) => [s.step, s.examples, s.total])).toEqual([
      [1, 64, 240],
      [2, 128, 240],
      [3, 192, 240],
      [4, 240, 240],
    ]);
    const epoch = events.find((e) => e.kind === 'epoch')!;
    // The epoch's record is the run's `metrics.jsonl` line, and what the result returns.
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([epoch.record]);
    expect(r.value?.epochs).toEqual([epoch.record]);
    expect(epoch.record).toMatchObject({ epoch: 1, steps: 4, examples: 240 });
    expect(epoch.metrics['auc(p, labels.y)']).toBeGreaterThan(0);
    // The step checkpoint is folded into the epoch's once the epoch ends.
    expect(readdirSync(out).sort()).toEqual([
      'calibration.json',
      'checkpoints',
      'config.json',
      'ir.json',
      'metrics.jsonl',
      'report.html',
      'steps.jsonl',
    ]);
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['epoch-1']);
    expect(readFileSync(join(out, 'steps.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);

    const resumedEvents: TrainProgress[] = [];
    const resumed = await trainModel({ ...common, out, epochs: 2, resume: true }, (e) => resumedEvents.push(e));
    expect(kinds(resumedEvents)).toEqual([
      'checked',
      'resumed',
      'started',
      'step*2',
      'checkpoint step-6',
      'step*2',
      'checkpoint epoch-2',
      'epoch',
      'written',
    ]);
    expect(resumedEvents.find((e) => e.kind === 'resumed')).toEqual({ kind: 'resumed', run: out, epoch: 1, step: 4 });
    // This run's records only; the run folder holds both epochs.
    expect(resumed.value?.epochs.map((e) => e['epoch'])).toEqual([2]);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    // Nothing named an engine: the resumed run goes on with the one the run started on.
    expect(resumedEvents.find((e) => e.kind === 'started')).toMatchObject({ engine: 'onnxruntime' });
  }, 60_000);

  test('a run started on tfjs and resumed with no engine named goes on with tfjs; --engine moves it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pipe-')), 'run');
    await trainModel({ ...common, out, epochs: 1, engine: 'tfjs' });
    const engineOf = async (options: { epochs: number; engine?: 'onnxruntime' }): Promise<unknown> => {
      const events: TrainProgress[] = [];
      await trainModel({ ...common, out, resume: true, ...options }, (e) => events.push(e));
      return events.find((e) => e.kind === 'started');
    };
    expect(await engineOf({ epochs: 2 })).toMatchObject({ engine: 'tfjs' });
    expect(await engineOf({ epochs: 3, engine: 'onnxruntime' })).toMatchObject({ engine: 'onnxruntime' });
    // The run now records the engine it last trained on.
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).engine).toBe('onnxruntime');
  }, 60_000);

  test('a model the engine cannot train is a diagnostic, before any data is read or any folder made', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pipe-')), 'run');
    const events: TrainProgress[] = [];
    const r = await trainModel({ file: join(cases, 'engine-cannot-train', 'input.bird'), engine: 'onnxruntime', out }, (e) =>
      events.push(e),
    );
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BIRD7026']);
    expect(kinds(events)).toEqual(['checked']);
    expect(existsSync(out)).toBe(false);
  });

  test('nothing to resume is a usage error', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pipe-')), 'none');
    await expect(trainModel({ file: model, resume: true, out })).rejects.toThrow(UsageError);
  });

  test('a run whose config.json is damaged is a usage error naming the file, not an internal error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bird-pipe-'));
    writeFileSync(join(out, 'config.json'), '{"model": "M", ');
    const resumed = trainModel({ file: model, resume: true, out });
    await expect(resumed).rejects.toThrow(UsageError);
    await expect(resumed).rejects.toThrow(/config\.json` is not JSON \(.+\): not as `bird train` writes it$/);
  });
});
