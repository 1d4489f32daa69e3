import type { IrGraph, IrSignature } from '../../ir/ir.js';
import type { ExportedSignature, SignatureInput, SignatureOutput } from './exportedSignature.js';
import { featureInput, type FeatureInput } from './featureInput.js';
import { lowerToOnnx, neededFrom, type Entry } from './lowerToOnnx.js';
import { OnnxExportError } from './onnxExportError.js';
import { onnxIrVersion, onnxOpset } from './onnxVersions.js';

export interface ExportOptions {
  /** Bird's version, written as the model's producer_version. */
  readonly producerVersion?: string;
  /** Export only these signatures (by name); all by default. */
  readonly only?: readonly string[];
  /** Extra metadata_props, added to every model. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** False lowers op for op, without the dense-layer fusions (for comparisons). */
  readonly fuse?: boolean;
}

/** The features a signature's outputs read, as the signature takes them (the graph inputs a client feeds, in order). */
function usedFeatureInputs(graph: IrGraph, sig: IrSignature, roots: readonly number[]): FeatureInput[] {
  const plans = sig.inputs.map((i) => {
    const f = graph.features.find((x) => x.role === 'feature' && x.name === i.name);
    if (!f)
      throw new OnnxExportError(`signature \`${sig.name}\` names input \`${i.name}\`, which is not a feature of model \`${graph.model}\``);
    return featureInput(graph, f, i.alias);
  });
  const entries = new Map<number, Entry>(plans.map((p) => [p.node, p.entry]));
  const needed = neededFrom(graph, roots, entries);
  return plans.filter((p) => needed.has(p.node));
}

/**
 * The inputs a signature's ONNX model takes, from the fitted graph alone (no weights, no
 * lowering): what the manifest must say, so loading an artifact can check its manifest
 * against its `ir.json`. Throws `OnnxExportError` as `exportSignatures` does.
 */
export function signatureInputs(graph: IrGraph, sig: IrSignature): SignatureInput[] {
  const roots = sig.outputs.map((o) => {
    const out = graph.outputs.find((x) => x.name === o.name);
    if (!out)
      throw new OnnxExportError(`signature \`${sig.name}\` names output \`${o.name}\`, which model \`${graph.model}\` does not have`);
    return out.node;
  });
  return usedFeatureInputs(graph, sig, roots).flatMap((p) => p.inputs);
}

/**
 * One ONNX model per signature of a fitted graph (after the passes, with the data stage's
 * statistics in its transform nodes): the graph pruned to what the signature's outputs
 * need, the features those need as inputs (named by the signature's aliases), parameters
 * as initializers from `weights` (keyed by each parameter's `name`), preprocessing that
 * standard operators express inside the graph. Throws `OnnxExportError` when a signature
 * cannot be exported.
 */
export function exportSignatures(
  graph: IrGraph,
  weights: ReadonlyMap<string, Float32Array>,
  options: ExportOptions = {},
): ExportedSignature[] {
  const signatures = graph.signatures.filter((s) => !options.only || options.only.includes(s.name));
  return signatures.map((sig) => {
    const outputs = sig.outputs.map((o) => {
      const out = graph.outputs.find((x) => x.name === o.name);
      if (!out)
        throw new OnnxExportError(`signature \`${sig.name}\` names output \`${o.name}\`, which model \`${graph.model}\` does not have`);
      return { name: o.alias, node: out.node, output: o.name };
    });
    const used = usedFeatureInputs(
      graph,
      sig,
      outputs.map((o) => o.node),
    );
    const inputs: SignatureInput[] = used.flatMap((p) => p.inputs);
    const lowered = lowerToOnnx(graph, weights, {
      name: `${graph.model}_${sig.name}`,
      inputs,
      entries: new Map(used.map((p) => [p.node, p.entry])),
      outputs,
      vocab: new Map(used.flatMap((p) => p.vocab.map((v) => [v.node, v] as const))),
      producerVersion: options.producerVersion ?? '',
      ...(options.fuse === false ? { fuse: false } : {}),
      docString: `Bird model ${graph.model}, signature ${sig.name} @ ${sig.version}`,
      metadata: {
        'bird.model': graph.model,
        'bird.signature': sig.name,
        'bird.signature_version': sig.version,
        'bird.inputs': JSON.stringify(
          inputs.map((i) => ({ name: i.name, feature: i.feature, encoding: i.encoding, outOfGraph: i.outOfGraph })),
        ),
        ...options.metadata,
      },
    });
    const signatureOutputs: SignatureOutput[] = lowered.outputs.map((t, k) => ({ ...t, output: outputs[k]!.output }));
    return {
      name: sig.name,
      version: sig.version,
      inputs,
      outputs: signatureOutputs,
      onnx: lowered.bytes,
      opset: onnxOpset,
      irVersion: onnxIrVersion,
    };
  });
}
