import type { AttrValue } from '../tensor/attrValue.js';
import type { SparseType, TensorType } from '../tensor/types.js';

/** The IR's format version, written in every text and JSON form. */
export const irVersion = 1;

export type IrType = TensorType | SparseType;

/**
 * The one node shape of the IR: an op from the registry, its result type, its inputs (ids
 * of earlier nodes of the same function), its attributes, where it came from in the
 * source (`file:line:col`), and the block-call path it was inlined from.
 */
export interface IrNode {
  readonly id: number;
  readonly op: string;
  readonly type: IrType;
  readonly inputs: readonly number[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly loc: string | null;
  /** `mlp_0/dense_1` for a node inlined from that call path; empty in the model body. */
  readonly scope: string;
}

/** A block instance, present until the inline pass expands its calls. */
export interface IrFunction {
  readonly name: string;
  readonly block: string;
  readonly nodes: readonly IrNode[];
  readonly result: number;
}

export interface IrFeature {
  readonly name: string;
  readonly role: 'feature' | 'label';
  readonly kind: string;
  readonly args: Readonly<Record<string, AttrValue>>;
  readonly default: AttrValue;
  readonly transforms: readonly { readonly name: string; readonly op: string; readonly args: Readonly<Record<string, AttrValue>> }[];
  /** The `input` node reading this column. */
  readonly node: number;
}

export interface IrSignature {
  readonly name: string;
  readonly version: string;
  readonly inputs: readonly { readonly name: string; readonly alias: string }[];
  readonly outputs: readonly { readonly name: string; readonly alias: string }[];
}

export interface IrTrain {
  readonly settings: Readonly<Record<string, AttrValue>>;
  readonly loss: number | null;
  readonly metrics: readonly { readonly name: string; readonly node: number }[];
}

/** One model: its features and labels, block instances, body, outputs, training and signatures. */
export interface IrGraph {
  readonly version: number;
  readonly model: string;
  readonly features: readonly IrFeature[];
  readonly functions: readonly IrFunction[];
  readonly nodes: readonly IrNode[];
  readonly outputs: readonly { readonly name: string; readonly node: number }[];
  readonly train: IrTrain | null;
  readonly signatures: readonly IrSignature[];
}

/** Every node id the graph's own fields point at in `nodes`: what dead-code elimination keeps. */
export function rootNodes(graph: IrGraph): number[] {
  return [
    ...graph.features.map((f) => f.node),
    ...graph.outputs.map((o) => o.node),
    ...(graph.train?.loss !== null && graph.train?.loss !== undefined ? [graph.train.loss] : []),
    ...(graph.train?.metrics.map((m) => m.node) ?? []),
  ];
}
