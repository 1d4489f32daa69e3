import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataSource } from '../data/dataset.js';
import type { IrGraph } from '../ir/ir.js';
import { latestCheckpoint, readCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';
import { readJsonLines } from '../train/report/runRecords.js';
import { UsageError } from './usageError.js';

/** What `bird train` wrote and later commands read back: the fitted IR, the config and one checkpoint. */
export interface TrainedRun {
  readonly run: string;
  readonly checkpoint: string;
  readonly graph: IrGraph;
  readonly config: { readonly data?: DataSource; readonly model?: string };
  readonly saved: LoadedCheckpoint;
  /** The trained parameters by name, without optimizer state. */
  readonly weights: Map<string, Float32Array>;
  /** The model's figures at that checkpoint: its epoch's `metrics.jsonl` record (empty for a checkpoint inside an epoch). */
  readonly metrics: Record<string, number>;
}

/** The run folder and checkpoint folder `--checkpoint` names: a run (the checkpoint early stopping kept, or its newest) or one checkpoint inside a run. */
export function resolveCheckpoint(path: string): { run: string; checkpoint: string } {
  if (existsSync(join(path, 'index.json'))) return { run: dirname(dirname(path)), checkpoint: path };
  // An early-stopped run keeps its best epoch's weights (`result.json`, written by `bird train`).
  const result = join(path, 'result.json');
  const best = existsSync(result) ? (JSON.parse(readFileSync(result, 'utf8')) as { best_epoch?: number; restored?: boolean }) : {};
  const kept = best.restored === true ? join(path, 'checkpoints', `epoch-${best.best_epoch}`) : undefined;
  if (kept !== undefined && existsSync(join(kept, 'index.json'))) return { run: path, checkpoint: kept };
  const newest = latestCheckpoint(path);
  if (!newest) throw new UsageError(`\`${path}\` is neither a run folder with checkpoints nor a checkpoint folder`);
  return { run: path, checkpoint: newest };
}

/** Reads a run for `bird predict` and `bird export`. */
export function readRun(path: string): TrainedRun {
  const { run, checkpoint } = resolveCheckpoint(path);
  if (!existsSync(join(run, 'ir.json'))) throw new UsageError(`\`${run}\` has no \`ir.json\`: not a run folder written by \`bird train\``);
  const graph = JSON.parse(readFileSync(join(run, 'ir.json'), 'utf8')) as IrGraph;
  const config = existsSync(join(run, 'config.json'))
    ? (JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as TrainedRun['config'])
    : {};
  const saved = readCheckpoint(checkpoint);
  const weights = new Map([...saved.tensors].filter(([name]) => !name.includes(':')));
  const records = readJsonLines<Record<string, unknown>>(join(run, 'metrics.jsonl'));
  // The record of the checkpoint's own epoch, not the run's last one.
  const own = saved.progress ? {} : (saved.record ?? records.find((r) => r['epoch'] === saved.epoch) ?? {});
  const metrics = Object.fromEntries(Object.entries(own).filter((e): e is [string, number] => typeof e[1] === 'number'));
  return { run, checkpoint, graph, config, saved, weights, metrics };
}
