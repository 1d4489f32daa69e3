import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochProgress, Trainer } from './trainer.js';

/**
 * The parameters of a trainer as one binary blob plus an index (name, shape, byte offset),
 * little-endian float32: what `bird export` and `--resume` read back.
 */
export function checkpointFiles(trainer: Trainer, meta: Record<string, unknown>): Record<string, string | Uint8Array> {
  const tensors = [...trainer.parameters(), ...trainer.optimizerState()];
  const total = tensors.reduce((s, t) => s + t.values.length, 0);
  const blob = new Float32Array(total);
  const index: { name: string; shape: number[]; offset: number; length: number }[] = [];
  let at = 0;
  for (const t of tensors) {
    blob.set(t.values, at);
    index.push({ name: t.name, shape: t.shape, offset: at * 4, length: t.values.length });
    at += t.values.length;
  }
  return {
    'weights.bin': new Uint8Array(blob.buffer),
    'index.json':
      JSON.stringify(
        { format: 'bird-checkpoint-1', dtype: 'float32', byteOrder: 'little', step: trainer.globalStep, tensors: index, ...meta },
        null,
        2,
      ) + '\n',
  };
}

export interface LoadedCheckpoint {
  /** The epoch finished, or (with `progress`) the epoch in progress. */
  readonly epoch: number;
  readonly step: number;
  /** Set for a checkpoint taken inside an epoch. */
  readonly progress?: EpochProgress;
  /** The epoch's `metrics.jsonl` record, in an epoch-end checkpoint. */
  readonly record?: Record<string, number>;
  readonly tensors: Map<string, Float32Array>;
}

interface CheckpointIndex {
  epoch: number;
  step: number;
  progress?: EpochProgress;
  record?: Record<string, number>;
  tensors: { name: string; offset: number; length: number }[];
}

function readIndex(dir: string): CheckpointIndex {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as CheckpointIndex;
}

/** Reads a checkpoint folder written by `checkpointFiles`. */
export function readCheckpoint(dir: string): LoadedCheckpoint {
  const index = readIndex(dir);
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const tensors = new Map(index.tensors.map((t) => [t.name, all.slice(t.offset / 4, t.offset / 4 + t.length)]));
  return {
    epoch: index.epoch,
    step: index.step,
    ...(index.progress ? { progress: index.progress } : {}),
    ...(index.record ? { record: index.record } : {}),
    tensors,
  };
}

/** The checkpoints of a run (`epoch-N` at each epoch's end, `step-N` inside epochs), oldest first by global step. */
export function listCheckpoints(runDir: string): { name: string; path: string; step: number; inEpoch: boolean }[] {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return [];
  return (
    readdirSync(dir)
      .filter((d) => /^(epoch|step)-\d+$/.test(d) && existsSync(join(dir, d, 'index.json')))
      .map((d) => ({ name: d, path: join(dir, d), step: readIndex(join(dir, d)).step, inEpoch: d.startsWith('step-') }))
      // At equal steps the epoch checkpoint is the later one: it has the epoch's metrics behind it.
      .sort((a, b) => a.step - b.step || Number(b.inEpoch) - Number(a.inEpoch))
  );
}

/** The newest checkpoint of a run folder, epoch or step, if any. */
export function latestCheckpoint(runDir: string): string | undefined {
  return listCheckpoints(runDir).at(-1)?.path;
}

/**
 * Removes all but the newest `keep` step checkpoints (epoch checkpoints are kept) and the
 * half-written folders of a process that was killed while writing one.
 */
export function pruneStepCheckpoints(runDir: string, keep: number): void {
  const steps = listCheckpoints(runDir).filter((c) => c.inEpoch);
  for (const c of steps.slice(0, Math.max(0, steps.length - keep))) rmSync(c.path, { recursive: true, force: true });
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return;
  for (const d of readdirSync(dir)) {
    const writer = /\.tmp-(\d+)$/.exec(d);
    if (writer && Number(writer[1]) !== process.pid) rmSync(join(dir, d), { recursive: true, force: true });
  }
}
