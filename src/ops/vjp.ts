import type { AttrValue } from '../tensor/attrValue.js';
import type { Dim, TensorType } from '../tensor/types.js';

/** A value of the graph a gradient is written into: a node id there. */
export type GradValue = number;

/**
 * What a vector-Jacobian product may do: add nodes of registry ops (each typed by its op's
 * `infer`, so a VJP that builds an ill-typed node fails the IR verifier) and read types.
 * The IR autodiff pass (`src/ir/autodiff.ts`) implements it; it comes after this stage.
 */
export interface VjpBuilder {
  /** A new node applying `op` to `inputs`; `attrs` as the op's parameters name them. */
  op(op: string, inputs: readonly GradValue[], attrs?: Readonly<Record<string, AttrValue>>): GradValue;
  /** An `f32` scalar constant. */
  scalar(value: number): GradValue;
  type(value: GradValue): TensorType;
}

/** The node being differentiated, as its VJP sees it. */
export interface VjpNode {
  /** Its operands, in the order of the op's parameters (a `tensors` parameter spread out). */
  readonly inputs: readonly GradValue[];
  /** The node itself, for VJPs that reuse the forward value (`exp`, `sigmoid`). */
  readonly output: GradValue;
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/**
 * A vector-Jacobian product written as IR: given the gradient `g` of the loss with respect
 * to the node's value, the gradient with respect to each input (`null` where none flows:
 * integer inputs, conditions, ids).
 */
export type Vjp = (b: VjpBuilder, node: VjpNode, g: GradValue) => readonly (GradValue | null)[];

/**
 * How an op differentiates. Required of every op (`OpSchema.grad`), so an op declared
 * without one does not compile: a VJP; `sparse` for `embedding_lookup`, whose table gets
 * row-sparse gradients from the training stage's kernels; `none` for ops nothing flows
 * through (ids, comparisons, metrics, transforms).
 */
export type OpGradient = Vjp | 'sparse' | 'none';

/** `g` summed over the axes along which `like` was broadcast to `g`'s shape, so it has `like`'s shape. */
export function unbroadcast(b: VjpBuilder, g: GradValue, like: GradValue): GradValue {
  const gs = b.type(g).shape;
  const ls = b.type(like).shape;
  let out = g;
  const lead = gs.length - ls.length;
  if (lead > 0) out = b.op('sum', [out], { axes: range(lead), keepdims: false });
  const ones = ls.flatMap((d, i) => (d === 1 && gs[lead + i] !== 1 ? [i] : []));
  if (ones.length > 0) out = b.op('sum', [out], { axes: ones, keepdims: true });
  return out;
}

/** `g` (of a reduction's result) back in the shape of its input `x`: reduced axes re-inserted, then broadcast. */
export function unreduce(b: VjpBuilder, g: GradValue, x: GradValue, axes: readonly number[], keepdims: boolean): GradValue {
  let out = g;
  if (!keepdims) for (const a of [...axes].sort((p, q) => p - q)) out = b.op('expand_dims', [out], { axis: a });
  return b.op('broadcast_to', [out, x]);
}

/** `where(cond, g, 0)`: the gradient masked to where `cond` holds. */
export const masked = (b: VjpBuilder, cond: GradValue, g: GradValue): GradValue => b.op('where', [cond, g, b.scalar(0)]);

/** A reshape target for `shape`: symbolic dimensions (the batch) kept by `0`. */
export const reshapeTarget = (shape: readonly Dim[]): number[] => shape.map((d) => (typeof d === 'number' ? d : 0));

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The VJP of an op whose gradient is `g * f(x, y)` elementwise. */
export const scaled =
  (f: (b: VjpBuilder, x: GradValue, y: GradValue, attrs: Readonly<Record<string, AttrValue>>) => GradValue): Vjp =>
  (b, n, g) => [b.op('mul', [g, f(b, n.inputs[0]!, n.output, n.attrs)])];

/** Thrown by a VJP that cannot differentiate this use of its op; the autodiff pass reports it at the node. */
export class NoGradient extends Error {}
