import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trainer } from './trainer.js';

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
    'index.json': JSON.stringify({ format: 'bird-checkpoint-1', dtype: 'float32', byteOrder: 'little', step: trainer.globalStep, tensors: index, ...meta }, null, 2) + '\n',
  };
}

export interface LoadedCheckpoint {
  readonly epoch: number;
  readonly step: number;
  readonly tensors: Map<string, Float32Array>;
}

/** Reads a checkpoint folder written by `checkpointFiles`. */
export function readCheckpoint(dir: string): LoadedCheckpoint {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { epoch: number; step: number; tensors: { name: string; offset: number; length: number }[] };
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const tensors = new Map(index.tensors.map((t) => [t.name, all.slice(t.offset / 4, t.offset / 4 + t.length)]));
  return { epoch: index.epoch, step: index.step, tensors };
}

/** The newest epoch checkpoint of a run folder, if any. */
export function latestCheckpoint(runDir: string): string | undefined {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return undefined;
  const epochs = readdirSync(dir)
    .map((d) => /^epoch-(\d+)$/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return epochs[0] ? join(dir, epochs[0][0]) : undefined;
}
