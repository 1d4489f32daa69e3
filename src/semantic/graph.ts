import type { Span } from '../source/span.js';
import type { SourceFile } from '../source/sourceFile.js';
import type { SparseType, TensorType } from '../tensor/types.js';
import type { AttrValue } from '../tensor/attrValue.js';

/** Where a node came from, for diagnostics and the IR's source notes. */
export interface Origin {
  readonly source: SourceFile;
  readonly span: Span;
}

/** One primitive application in an elaborated function; ids index `ElabFunction.nodes`. */
export interface ElabNode {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly type: TensorType | SparseType;
  readonly origin: Origin | null;
}

/**
 * A block instance, specialized by its compile-time arguments and input types. Nodes
 * with op `arg` are its inputs in order, `param` its trainable parameters (named
 * locally, made unique per call by inlining), `call` an instance of another function.
 */
export interface ElabFunction {
  readonly name: string;
  readonly block: string;
  readonly nodes: ElabNode[];
  result: number;
}

/** A raw input the model reads: a feature column or a label column. */
export interface GraphInput {
  readonly name: string;
  readonly role: 'feature' | 'label';
  readonly node: number;
}

export interface NamedNode {
  readonly name: string;
  readonly node: number;
  readonly origin: Origin | null;
}
