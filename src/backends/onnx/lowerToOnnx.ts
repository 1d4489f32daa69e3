import type { IrGraph, IrNode, IrType } from '../../ir/ir.js';
import type { Dim, TensorType } from '../../tensor/types.js';
import type { SignatureTensor } from './exportedSignature.js';
import { OnnxExportError, UnsupportedOnnxOp } from './onnxExportError.js';
import {
  loweredOps,
  onnxElemType,
  onnxEmitters,
  outOfGraphOps,
  termWeight,
  trainingOnlyOps,
  type EmitContext,
  type SparseValue,
} from './onnxEmitters.js';
import { OnnxGraphBuilder, type ElemTypeName } from './onnxGraphBuilder.js';
import { onnx, type OnnxTypes } from './onnxProto.js';
import { mlDomain, onnxIrVersion, onnxMlOpset, onnxOpset } from './onnxVersions.js';
import { neededNodes } from '../../tensor/neededNodes.js';
import { emitDenseFusion, paramValues, planDenseFusions } from './denseFusion.js';

/** The symbolic batch dimension of every exported graph. */
export const batchDim = 'batch';

/** An IR dimension as ONNX declares it: the batch symbol `B` becomes `batch`. */
export const onnxDim = (d: Dim): number | string => (d === 'B' ? batchDim : d);

/** Where a value enters the graph in place of an IR node: built from graph inputs by a few ONNX nodes (defaults, reshapes). */
export interface Entry {
  build(b: OnnxGraphBuilder): string | SparseValue;
}

export interface LoweringSpec {
  /** The graph's name in the ModelProto. */
  readonly name: string;
  readonly inputs: readonly SignatureTensor[];
  /** IR node id → the value standing for it; nothing upstream of an entry is lowered. */
  readonly entries: ReadonlyMap<number, Entry>;
  readonly outputs: readonly { readonly name: string; readonly node: number }[];
  /** `vocab_lookup` nodes of feature pipelines: the id of a missing value and the input with string hashes (`oov` > 1). */
  readonly vocab?: ReadonlyMap<number, { readonly missingId: number; readonly hashInput: string | null }>;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** Dense layers as Gemm, one-hot inputs folded into their layer's weights (see `denseFusion.ts`); true unless false, which lowers op for op. */
  readonly fuse?: boolean;
}

export interface LoweredModel {
  readonly model: OnnxTypes.IModelProto;
  readonly bytes: Uint8Array;
  readonly outputs: readonly SignatureTensor[];
}

/** The nodes the outputs depend on, stopping at entries. */
export function neededFrom(
  graph: IrGraph,
  roots: readonly number[],
  entries: ReadonlySet<number> | ReadonlyMap<number, unknown>,
): Set<number> {
  return neededNodes(graph.nodes, roots, (id) => entries.has(id));
}

function tensorOf(n: IrNode): TensorType {
  if (n.type.kind !== 'tensor')
    throw new OnnxExportError(`node %${n.id} (\`${n.op}\`) is sparse where a dense tensor is needed`, n.op, n.loc);
  return n.type;
}

/** A float32 parameter as an initializer named after it, checked against its declared shape. */
function paramInitializer(b: OnnxGraphBuilder, n: IrNode, weights: ReadonlyMap<string, Float32Array>): string {
  return b.floatInitializer(String(n.attrs['name']), n.attrs['shape'] as number[], paramValues(n, weights));
}

/** A `const` node's value, flattened, as an initializer of its IR type. */
function constInitializer(b: OnnxGraphBuilder, n: IrNode): string {
  const t = tensorOf(n);
  const flat = [n.attrs['value']].flat(Infinity as 1) as (number | boolean)[];
  return b.constant(onnxElemType(t.dtype), t.shape as number[], flat);
}

/**
 * Lowers the part of an IR graph (after inlining) that `spec.outputs` need into an ONNX
 * ModelProto: entries stand for their nodes, parameters become initializers from
 * `weights`, every other node goes through its op's emitter. Throws `OnnxExportError`
 * (`UnsupportedOnnxOp` for an op with no ONNX form) when that part cannot be exported.
 */
export function lowerToOnnx(graph: IrGraph, weights: ReadonlyMap<string, Float32Array>, spec: LoweringSpec): LoweredModel {
  if (graph.functions.length > 0) throw new OnnxExportError('the ONNX export needs the IR after inlining');
  const b = new OnnxGraphBuilder();
  for (const i of spec.inputs) b.addInput(i.name, i.dtype as ElemTypeName, i.shape);
  const values = new Map<number, string>();
  const sparse = new Map<number, SparseValue>();
  const roots = spec.outputs.map((o) => o.node);
  const stop = (id: number): boolean => spec.entries.has(id);
  const { fusions, needed } =
    spec.fuse === false
      ? { fusions: new Map<number, never>(), needed: neededFrom(graph, roots, spec.entries) }
      : planDenseFusions(graph, roots, stop);
  for (const n of graph.nodes) {
    if (!needed.has(n.id)) continue;
    b.startNode(n.id, `${n.op}${n.scope ? ` in ${n.scope}` : ''}${n.loc ? ` at ${n.loc}` : ''}`);
    const entry = spec.entries.get(n.id);
    if (entry) {
      const v = entry.build(b);
      if (typeof v === 'string') values.set(n.id, v);
      else sparse.set(n.id, v);
      continue;
    }
    if (n.op === 'term_weight') {
      // The one op whose result is sparse: a weighted bag over the token ids it reads.
      sparse.set(n.id, termWeight(b, values.get(n.inputs[0]!)!, n));
      continue;
    }
    const fusion = fusions.get(n.id);
    values.set(
      n.id,
      fusion ? emitDenseFusion(b, fusion, (id) => values.get(id)!, weights) : lowerNode(b, graph, n, values, sparse, weights, spec),
    );
  }
  const outputs: SignatureTensor[] = [];
  for (const o of spec.outputs) {
    const n = graph.nodes[o.node]!;
    const t = tensorOf(n);
    b.startNode(o.name);
    b.opTo('Identity', [values.get(o.node)!], o.name);
    const dtype = onnxElemType(t.dtype);
    const shape = t.shape.map(onnxDim);
    b.addOutput(o.name, dtype, shape);
    outputs.push({ name: o.name, dtype: dtype as SignatureTensor['dtype'], shape });
  }
  const model: OnnxTypes.IModelProto = {
    irVersion: onnxIrVersion,
    opsetImport: [{ domain: '', version: onnxOpset }, ...(b.usesMl ? [{ domain: mlDomain, version: onnxMlOpset }] : [])],
    producerName: 'bird',
    producerVersion: spec.producerVersion ?? '',
    graph: b.build(spec.name, spec.docString),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  // Encoded as is: fromObject would drop empty byte strings from repeated fields (the `""` key of a vocabulary).
  return { model, bytes: onnx.ModelProto.encode(model).finish(), outputs };
}

function lowerNode(
  b: OnnxGraphBuilder,
  graph: IrGraph,
  n: IrNode,
  values: ReadonlyMap<number, string>,
  sparse: ReadonlyMap<number, SparseValue>,
  weights: ReadonlyMap<string, Float32Array>,
  spec: LoweringSpec,
): string {
  switch (n.op) {
    case 'param':
      return paramInitializer(b, n, weights);
    case 'const':
      return constInitializer(b, n);
    case 'dropout':
      return values.get(n.inputs[0]!)!;
    case 'input': {
      const f = graph.features.find((x) => x.node === n.id);
      throw new OnnxExportError(
        `the outputs need ${f ? `${f.role} \`${f.name}\`` : `input %${n.id}`}, which is not an input of the signature`,
        'input',
        n.loc,
      );
    }
  }
  const why = outOfGraphOps.get(n.op);
  if (why) throw new UnsupportedOnnxOp(n.op, why, n.loc);
  if (trainingOnlyOps.has(n.op))
    throw new UnsupportedOnnxOp(
      n.op,
      n.op === 'arg' || n.op === 'call' ? 'the export needs the IR after inlining' : 'it exists only for training and evaluation',
      n.loc,
    );
  const emit = onnxEmitters.get(n.op);
  if (!emit || loweredOps.has(n.op)) throw new UnsupportedOnnxOp(n.op, 'the ONNX backend has no emitter for it', n.loc);
  const typeOf = (id: number): IrType => graph.nodes[id]!.type;
  const ctx: EmitContext = {
    b,
    node: n,
    attrs: n.attrs,
    inputs: n.inputs.map((i) => values.get(i) ?? ''),
    inputType: (i) => tensorOf(graph.nodes[n.inputs[i]!]!),
    sparseInput: (i) => (typeOf(n.inputs[i]!).kind === 'sparse' ? sparse.get(n.inputs[i]!) : undefined),
    vocabFeature: () => spec.vocab?.get(n.id),
  };
  return emit(ctx);
}
