import type { Trainer } from './trainer.js';

/**
 * The parameters of a trainer as one binary blob plus an index (name, shape, byte offset),
 * little-endian float32: what `bird export` and `--resume` read back.
 */
export function checkpointFiles(trainer: Trainer, meta: Record<string, unknown>): Record<string, string | Uint8Array> {
  const tensors = trainer.parameters();
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
    'index.json': JSON.stringify({ format: 'bird-checkpoint-1', dtype: 'float32', byteOrder: 'little', tensors: index, ...meta }, null, 2) + '\n',
  };
}
