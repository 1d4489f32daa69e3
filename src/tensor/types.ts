/**
 * Bird's static types. Tensors carry a dtype and a shape whose dimensions are numbers or
 * symbols (`B`, the batch); id tensors also carry the size of their id space (`vocab`) so
 * `one_hot` and `embedding_bag` know their depth without being told twice.
 */

export type DType = 'f32' | 'i32' | 'i64' | 'bool' | 'string';
export const dtypes: readonly DType[] = ['f32', 'i32', 'i64', 'bool', 'string'];

/** A dimension: a number, or a symbol bound at run time (the batch `B`). */
export type Dim = number | string;
export type Shape = readonly Dim[];

export interface TensorType {
  readonly kind: 'tensor';
  readonly dtype: DType;
  readonly shape: Shape;
  /** For integer id tensors: ids lie in `[0, vocab)`. */
  readonly vocab?: number;
}

/**
 * A ragged batch of ids per example (`sparse_binary`, `sparse_continuous` after hashing):
 * ids, optional values, and per-example offsets.
 */
export interface SparseType {
  readonly kind: 'sparse';
  /** Raw string keys (before `hash`), or ids in `[0, vocab)`. */
  readonly keys: 'string' | 'id';
  readonly vocab: number;
  readonly weighted: boolean;
}

export type Type =
  | { readonly kind: 'int' }
  | { readonly kind: 'float' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'string' }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly element: Type | null }
  | TensorType
  | SparseType
  | { readonly kind: 'features'; readonly name: string }
  | { readonly kind: 'labels'; readonly name: string }
  | { readonly kind: 'callable'; readonly name: string }
  | { readonly kind: 'config'; readonly name: string }
  | { readonly kind: 'metric' }
  | { readonly kind: 'any' };

export const intType: Type = { kind: 'int' };
export const floatType: Type = { kind: 'float' };
export const boolType: Type = { kind: 'bool' };
export const stringType: Type = { kind: 'string' };
export const noneType: Type = { kind: 'none' };
export const anyType: Type = { kind: 'any' };
export const metricType: Type = { kind: 'metric' };

export function tensor(dtype: DType, shape: Shape, vocab?: number): TensorType {
  return vocab === undefined ? { kind: 'tensor', dtype, shape } : { kind: 'tensor', dtype, shape, vocab };
}

export function listOf(element: Type | null): Type {
  return { kind: 'list', element };
}

export function formatDim(d: Dim): string {
  return String(d);
}

export function formatShape(shape: Shape): string {
  return `[${shape.map(formatDim).join(', ')}]`;
}

/** How types read in messages: `f32[B, 64]`, `int[]`, `features Flight`. */
export function formatType(t: Type): string {
  switch (t.kind) {
    case 'tensor':
      return `${t.dtype}${formatShape(t.shape)}`;
    case 'sparse':
      return t.keys === 'string'
        ? `sparse${t.weighted ? ' weighted' : ''} strings`
        : `sparse${t.weighted ? ' weighted' : ''} ids(${t.vocab})`;
    case 'list':
      return t.element === null ? '[]' : `${formatType(t.element)}[]`;
    case 'features':
      return `features ${t.name}`;
    case 'labels':
      return `labels ${t.name}`;
    case 'callable':
      return `block \`${t.name}\``;
    case 'config':
      return `${t.name}(...)`;
    default:
      return t.kind;
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
