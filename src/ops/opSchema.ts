import type { InferInput, InferResult, OperandType, PrimitiveParam, PrimitiveSchema } from '../semantic/primitives.js';
import type { TensorType } from '../tensor/types.js';
import type { OpGradient } from './vjp.js';
import type { AttrValue } from '../tensor/attrValue.js';

export type OpFamily =
  'elementwise' | 'linalg' | 'reduce' | 'shape' | 'nn' | 'sparse' | 'sequence' | 'loss' | 'metric' | 'preprocess' | 'graph';

/**
 * One primitive op, declared once: parameters (tensor operands and attributes), type and
 * shape inference, how it differentiates, and a doc line. The TF.js and ONNX backends are
 * tables keyed by these names.
 */
export interface OpSchema extends PrimitiveSchema {
  readonly family: OpFamily;
  /** Its vector-Jacobian product written as IR; `sparse`: row-sparse gradients for its table; `none`: not differentiable (ids, comparisons). */
  readonly grad: OpGradient;
  /** Graph plumbing (`input`, `arg`, `call`, `const`) that `.bird` code cannot call by name. */
  readonly internal?: boolean;
  /** Runs only while training (`dropout`) or only on the evaluation set (`metric_*`). */
  readonly phase?: 'train' | 'eval';
}

export type OpDefinition = Omit<OpSchema, 'infer'> & { infer(input: InferInput): InferResult };

export const ok = (type: OperandType, attrs?: Readonly<Record<string, AttrValue>>): InferResult =>
  attrs === undefined ? { ok: true, type } : { ok: true, type, attrs };

export const shapeError = (message: string, operands?: readonly string[], attr?: string): InferResult => ({
  ok: false,
  category: 'shape',
  message,
  ...(operands ? { operands } : {}),
  ...(attr ? { attr } : {}),
});

export const typeError = (message: string, operands?: readonly string[], attr?: string): InferResult => ({
  ok: false,
  category: 'type',
  message,
  ...(operands ? { operands } : {}),
  ...(attr ? { attr } : {}),
});

/** The dense tensor operand `name`, or undefined when it is sparse, a list, or absent. */
export function dense(input: InferInput, name: string): TensorType | undefined {
  const t = input.operands[name];
  return t && !Array.isArray(t) && (t as OperandType).kind === 'tensor' ? (t as TensorType) : undefined;
}

export function operand(input: InferInput, name: string): OperandType | undefined {
  const t = input.operands[name];
  return t && !Array.isArray(t) ? (t as OperandType) : undefined;
}

export const tensorParam = (name: string): PrimitiveParam => ({ name, kind: 'tensor' });

/** How ops.md names an op's gradient: `dense` for a VJP. */
export const gradientKind = (op: OpSchema): 'dense' | 'sparse' | 'none' => (typeof op.grad === 'function' ? 'dense' : op.grad);
