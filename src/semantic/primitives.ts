import type { AttrValue } from '../tensor/attrValue.js';
import type { SparseType, TensorType } from '../tensor/types.js';

/**
 * What the elaborator needs to know of a primitive op: its parameters and how it types
 * its result. The op registry (src/ops) implements this; the checker receives it from its
 * caller, so this stage does not depend on a later one.
 */
export type PrimitiveParamKind =
  'tensor' | 'sparse' | 'ids' | 'tensors' | 'int' | 'float' | 'bool' | 'string' | 'ints' | 'floats' | 'dtype' | 'any';

export interface PrimitiveParam {
  readonly name: string;
  readonly kind: PrimitiveParamKind;
  /** Absent means required. */
  readonly default?: AttrValue;
}

export type OperandType = TensorType | SparseType;

export interface InferInput {
  /** Tensor operands by parameter name (a `tensors` parameter holds several). */
  readonly operands: Readonly<Record<string, OperandType | readonly OperandType[]>>;
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

export type InferResult =
  | { readonly ok: true; readonly type: TensorType | SparseType; readonly attrs?: Readonly<Record<string, AttrValue>> }
  | {
      readonly ok: false;
      /** Which family of error: shapes (BIRD4xxx) or types (BIRD3xxx). */
      readonly category: 'shape' | 'type';
      readonly message: string;
      /** The operands the message is about; each gets a label showing its type. */
      readonly operands?: readonly string[];
      /** The attribute at fault, for a label on its argument. */
      readonly attr?: string;
    };

export interface PrimitiveSchema {
  readonly name: string;
  readonly params: readonly PrimitiveParam[];
  readonly doc: string;
  /** Creates a trainable parameter, a random number, or another node that must not be merged or folded. */
  readonly stateful?: boolean;
  infer(input: InferInput): InferResult;
}

export interface PrimitiveTable {
  get(name: string): PrimitiveSchema | undefined;
  names(): Iterable<string>;
}
