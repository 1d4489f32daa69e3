import type { IrGraph } from '../ir/ir.js';

/** One dropout's mask for a batch: 0 where an element is dropped, `1 / (1 - rate)` where it is kept. */
export interface DropoutMask {
  /** The `dropout` node of the trainer's graph. */
  readonly node: number;
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** The `dropout` nodes that drop something while training (rate above 0). */
export function dropoutNodes(graph: IrGraph): number[] {
  return graph.nodes.filter((n) => n.op === 'dropout' && Number(n.attrs['rate']) > 0).map((n) => n.id);
}

/** A 32-bit hash step (murmur3's finalizer): spreads a seed, step and node over the generator's state. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The masks of a training step, drawn in JS from the run's seed, the step number and the
 * node, so both engines drop the same elements (the TF.js program multiplies by them, the
 * ONNX step graph takes them as inputs), a resumed run draws what the uninterrupted one
 * would have, and two runs with one seed train alike. Symbolic dimensions are the batch.
 */
export function dropoutMasks(graph: IrGraph, nodes: readonly number[], rows: number, seed: number, step: number): DropoutMask[] {
  return nodes.map((id) => {
    const n = graph.nodes[id]!;
    const rate = Number(n.attrs['rate']);
    const shape = n.type.kind === 'tensor' ? n.type.shape.map((d) => (typeof d === 'number' ? d : rows)) : [rows];
    const values = new Float32Array(shape.reduce((p, q) => p * q, 1));
    const keep = 1 / (1 - rate);
    // xorshift32 from a state mixed from (seed, step, node); 2^32 * rate is the cut.
    let s = mix(mix(mix(seed >>> 0) ^ step) ^ id) || 1;
    const cut = rate * 4294967296;
    for (let i = 0; i < values.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      values[i] = s >>> 0 < cut ? 0 : keep;
    }
    return { node: id, values, shape };
  });
}
