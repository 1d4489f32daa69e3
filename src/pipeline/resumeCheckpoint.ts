import { join } from 'node:path';
import { latestCheckpoint, readCheckpoint } from '../train/checkpoint.js';
import { readJsonLines, type StepRecord } from '../train/report/runRecords.js';
import type { RunDirectory } from '../train/runDirectory.js';
import type { EpochProgress, Trainer } from '../train/trainer.js';

/** Where a resumed run goes on from: its newest checkpoint, put back into the trainer. */
export interface ResumedRun {
  /** The checkpoint's folder. */
  readonly checkpoint: string;
  /** The epoch to train first, or where a step checkpoint left an epoch. */
  readonly start: number | EpochProgress;
  /** The records of the epochs already done (early stopping counts them). */
  readonly history: Record<string, number>[];
  /** After epoch `epoch`, or inside it after `batches` batches; the global step. */
  readonly at: { readonly epoch: number; readonly batches?: number; readonly step: number };
}

/**
 * Puts the newest checkpoint of the run in `dir` back into `trainer` (weights, optimizer
 * state, step) and cuts the run's logs back to it: records of epochs about to be trained
 * again are dropped, a finished epoch whose record was lost (stopped between checkpoint
 * and log) gets it back from the checkpoint, and steps after the checkpoint are trained,
 * and logged, again. Undefined when the run has no checkpoint yet (it starts over).
 */
export function resumeCheckpoint(dir: string, run: RunDirectory, trainer: Trainer): ResumedRun | undefined {
  const checkpoint = latestCheckpoint(dir);
  if (!checkpoint) return undefined;
  const saved = readCheckpoint(checkpoint);
  trainer.restore(saved.tensors, saved.step);
  const start = saved.progress ?? saved.epoch + 1;
  const first = typeof start === 'number' ? start : start.epoch;
  const history = readJsonLines<Record<string, number>>(join(run.path, 'metrics.jsonl')).filter((r) => r['epoch']! < first);
  if (saved.record && !history.some((r) => r['epoch'] === saved.epoch)) history.push(saved.record);
  run.rewriteLines('metrics.jsonl', history);
  run.rewriteLines(
    'steps.jsonl',
    readJsonLines<StepRecord>(join(run.path, 'steps.jsonl')).filter((r) => r.step <= saved.step),
  );
  return {
    checkpoint,
    start,
    history,
    at: { epoch: saved.epoch, ...(saved.progress ? { batches: saved.progress.batches } : {}), step: saved.step },
  };
}
