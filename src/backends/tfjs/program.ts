import type * as tfTypes from '@tensorflow/tfjs';
import type { Batch, BatchColumn } from '../../ir/batch.js';
import type { IrGraph, IrNode } from '../../ir/ir.js';
import { neededNodes } from '../../tensor/neededNodes.js';
import { featureEntries } from '../../ir/featureEntries.js';
import { emitters, gatherRows } from './emitters.js';
import { initialValue } from './initializers.js';
import type { Tf } from './loadTf.js';

type Tensor = tfTypes.Tensor;

let variableCount = 0;

/** A sparse column as padded ids `[B, L]` and weights (1 per present id, or its value; 0 at padding). */
function padSparse(tf: Tf, column: Extract<BatchColumn, { kind: 'sparse' }>): { ids: Tensor; weights: Tensor } {
  const rows = column.offsets.length - 1;
  let width = 1;
  for (let i = 0; i < rows; i++) width = Math.max(width, column.offsets[i + 1]! - column.offsets[i]!);
  const ids = new Int32Array(rows * width);
  const weights = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    for (let k = column.offsets[i]!; k < column.offsets[i + 1]!; k++) {
      const at = i * width + (k - column.offsets[i]!);
      ids[at] = column.ids[k]!;
      weights[at] = column.values ? column.values[k]! : 1;
    }
  }
  return { ids: tf.tensor2d(ids, [rows, width], 'int32'), weights: tf.tensor2d(weights, [rows, width]) };
}

/**
 * The IR (after inlining) as a TF.js program: parameters as variables, batch columns fed
 * at the features' entry nodes, every other node built by its op's emitter. Sparse ids
 * reach `embedding_lookup` as padded ids with weights.
 */
export class TfProgram {
  readonly variables = new Map<number, tfTypes.Variable>();
  private readonly entries: Map<string, number>;

  /**
   * `external`: parameters the caller keeps outside TF.js (embedding tables handled by
   * its own kernels); their consumers must be given as overrides to `forward`.
   */
  constructor(
    private readonly tf: Tf,
    readonly graph: IrGraph,
    seed = 1,
    external: ReadonlySet<number> = new Set(),
  ) {
    if (graph.functions.length > 0) throw new Error('the TF.js program needs the IR after inlining');
    this.entries = featureEntries(graph);
    graph.nodes.forEach((n, i) => {
      if (n.op !== 'param' || external.has(n.id)) return;
      const shape = n.attrs['shape'] as number[];
      // TF.js wants variable names unique in the process; the IR name is kept on the node.
      const name = `${String(n.attrs['name'])}#${++variableCount}`;
      this.variables.set(
        n.id,
        tf.variable(initialValue(tf, shape, String(n.attrs['init']), Number(n.attrs['std']), seed * 7919 + i), true, name),
      );
    });
  }

  /**
   * Values of `roots` (node ids) for a batch; the caller disposes them (or runs inside
   * `tf.tidy`). `overrides` give nodes their values directly: parameters as the tensors a
   * gradient is taken against, embedding lookups computed outside, metric results.
   */
  forward(
    batch: Batch,
    roots: readonly number[],
    options: { training?: boolean; overrides?: ReadonlyMap<number, Tensor>; masks?: ReadonlyMap<number, Tensor> } = {},
  ): Map<number, Tensor> {
    const tf = this.tf;
    const values = new Map<number, Tensor>(options.overrides ?? []);
    const sparse = new Map<number, { ids: Tensor; weights: Tensor }>();
    const fed = new Map<number, BatchColumn>();
    for (const [key, node] of this.entries) {
      const column = batch.columns.get(key.slice(key.indexOf(':') + 1));
      if (column) fed.set(node, column);
    }
    const needed = this.needed(roots, fed, options.overrides);
    for (const n of this.graph.nodes) {
      if (!needed.has(n.id) || values.has(n.id)) continue;
      const column = fed.get(n.id);
      if (column) {
        if (column.kind === 'dense')
          values.set(n.id, tf.tensor(column.data, column.shape as number[], column.dtype === 'i32' ? 'int32' : 'float32'));
        else sparse.set(n.id, padSparse(tf, column));
        continue;
      }
      values.set(n.id, this.evaluate(n, values, sparse, options.training === true, options.masks));
    }
    return new Map(roots.map((r) => [r, values.get(r)!]));
  }

  private evaluate(
    n: IrNode,
    values: Map<number, Tensor>,
    sparse: Map<number, { ids: Tensor; weights: Tensor }>,
    training: boolean,
    masks?: ReadonlyMap<number, Tensor>,
  ): Tensor {
    const tf = this.tf;
    switch (n.op) {
      case 'param':
        return this.variables.get(n.id)!;
      case 'const':
        return tf.tensor(
          n.attrs['value'] as number[],
          n.type.kind === 'tensor' ? (n.type.shape as number[]) : [],
          n.type.kind === 'tensor' && n.type.dtype !== 'f32' ? 'int32' : 'float32',
        );
      case 'dropout': {
        const x = values.get(n.inputs[0]!)!;
        if (!training) return x;
        // The trainer's masks (src/train/dropoutMasks.ts), which the onnxruntime engine is fed too.
        const mask = masks?.get(n.id);
        return mask ? tf.mul(x, mask) : tf.dropout(x, Number(n.attrs['rate']));
      }
      case 'embedding_lookup': {
        const bag = sparse.get(n.inputs[0]!);
        if (bag) {
          const table = values.get(n.inputs[1]!)!;
          const rows = tf.mul(gatherRows(tf, table, bag.ids), tf.expandDims(bag.weights, -1));
          const summed = tf.sum(rows, 1);
          if (n.attrs['combiner'] === 'sum') return summed;
          return tf.div(summed, tf.maximum(tf.sum(tf.cast(tf.notEqual(bag.ids, 0), 'float32'), 1, true), 1));
        }
        break;
      }
    }
    const emit = emitters.get(n.op);
    if (!emit) throw new Error(`the TF.js backend has no emitter for op \`${n.op}\``);
    return emit(
      tf,
      n.inputs.map((i) => values.get(i)!),
      n.attrs,
      n,
    );
  }

  /** The nodes `roots` depend on, stopping at fed entries and overridden values. */
  private needed(roots: readonly number[], fed: ReadonlyMap<number, BatchColumn>, overrides?: ReadonlyMap<number, Tensor>): Set<number> {
    return neededNodes(this.graph.nodes, roots, (id) => fed.has(id) || overrides?.has(id) === true);
  }

  /** The batch column feeding a node, if it is a feature's entry. */
  columnFor(batch: Batch, node: number): BatchColumn | undefined {
    for (const [key, entry] of this.entries) if (entry === node) return batch.columns.get(key.slice(key.indexOf(':') + 1));
    return undefined;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }
}
