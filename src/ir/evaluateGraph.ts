import type { NdArray, RefValue } from '../ops/reference/ndarray.js';
import { isSparse } from '../ops/reference/ndarray.js';
import { referenceOps } from '../ops/reference/referenceOps.js';
import type { OpName } from '../ops/opNames.js';
import { neededNodes } from '../tensor/neededNodes.js';
import type { IrGraph, IrNode } from './ir.js';

/** A graph the reference cannot evaluate, with the node at fault. */
export class ReferenceEvaluationError extends Error {
  constructor(
    message: string,
    readonly node: IrNode,
  ) {
    super(`%${node.id} \`${node.op}\`: ${message}`);
  }
}

export interface EvaluateOptions {
  /** The nodes wanted; by default the graph's outputs and loss. */
  readonly roots?: readonly number[];
  /** Values given to nodes directly, which are then not evaluated (a feature's entry after string transforms, say). */
  readonly at?: ReadonlyMap<number, RefValue>;
}

/** Whether `value` is what `node`'s type says: its dtype, and every fixed dimension (a symbolic one, the batch, takes any size). */
function fits(node: IrNode, value: RefValue): boolean {
  const t = node.type;
  if (t.kind !== 'tensor') return isSparse(value);
  if (isSparse(value) || value.dtype !== t.dtype || value.shape.length !== t.shape.length) return false;
  return t.shape.every((d, i) => typeof d !== 'number' || d === value.shape[i]);
}

/**
 * Runs an IR graph after inlining (a model's, or the training step of `buildTrainStep`)
 * in float64 by each op's reference semantics (`src/ops/reference/`): `input` nodes read
 * `feeds` by their `name` (features, labels, a step's dropout masks `dropout@ID`), `param`
 * nodes read `params` by name. Only what the roots need is evaluated. Every value is
 * checked against its node's type, so a reference evaluator that disagrees with its op's
 * `infer` fails here.
 */
export function evaluateGraph(
  graph: IrGraph,
  feeds: ReadonlyMap<string, RefValue>,
  params: ReadonlyMap<string, NdArray>,
  options: EvaluateOptions = {},
): Map<number, RefValue> {
  if (graph.functions.length > 0) throw new Error('the reference evaluates the IR after inlining');
  const given = options.at ?? new Map<number, RefValue>();
  const roots = options.roots ?? [
    ...graph.outputs.map((o) => o.node),
    ...(graph.train?.loss !== null && graph.train?.loss !== undefined ? [graph.train.loss] : []),
  ];
  const needed = neededNodes(graph.nodes, roots, (id) => given.has(id));
  const values = new Map<number, RefValue>(given);
  for (const n of graph.nodes) {
    if (!needed.has(n.id) || values.has(n.id)) continue;
    const entry = referenceOps[n.op as OpName];
    let value: RefValue | undefined;
    if (entry === undefined) throw new ReferenceEvaluationError('is not an op of the registry', n);
    if (typeof entry === 'function') {
      if (n.type.kind !== 'tensor') throw new ReferenceEvaluationError('has a sparse result, which the reference does not compute', n);
      try {
        value = entry(
          n.inputs.map((i) => values.get(i)!),
          n.attrs,
          n.type,
        );
      } catch (error) {
        throw new ReferenceEvaluationError(error instanceof Error ? error.message : String(error), n);
      }
    } else if ('excluded' in entry) throw new ReferenceEvaluationError(`is not evaluated by the reference: ${entry.excluded}`, n);
    else {
      const name = String(n.attrs['name']);
      value = entry.fed === 'feeds' ? feeds.get(name) : params.get(name);
      if (value === undefined) throw new ReferenceEvaluationError(`no value given for \`${name}\``, n);
    }
    if (!fits(n, value)) {
      const got = isSparse(value) ? 'sparse ids' : `${value.dtype}[${value.shape.join(', ')}]`;
      throw new ReferenceEvaluationError(`its value, ${got}, does not have the node's type`, n);
    }
    values.set(n.id, value);
  }
  return values;
}
