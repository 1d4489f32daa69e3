import type { OnnxDtype } from '../backends/onnx/exportedSignature.js';
import { onnx, type OnnxTypes } from '../backends/onnx/onnxProto.js';
import type { ManifestSignature } from './manifest.js';

/** ONNX's element type numbers for the dtypes a signature may use. */
const elemTypes: Readonly<Record<OnnxDtype, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  string: onnx.TensorProto.DataType.STRING,
  bool: onnx.TensorProto.DataType.BOOL,
};

const dtypeName = (elemType: number): string =>
  Object.entries(elemTypes).find(([, n]) => n === elemType)?.[0] ?? `ONNX element type ${elemType}`;

/** A graph input or output as the model itself declares it. */
interface Declared {
  readonly name: string;
  readonly elemType: number | undefined;
  /** Each dimension: its size, its symbolic name, or undefined when the model leaves it open. */
  readonly dims: readonly (number | string | undefined)[] | undefined;
}

function declared(v: OnnxTypes.IValueInfoProto): Declared {
  const t = v.type?.tensorType;
  return {
    name: v.name ?? '',
    elemType: t?.elemType ?? undefined,
    dims: t?.shape?.dim?.map((d) =>
      d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : undefined,
    ),
  };
}

/** Parses an ONNX model, or says why the bytes are not one. */
export function decodeOnnx(bytes: Uint8Array): OnnxTypes.ModelProto | string {
  try {
    const model = onnx.ModelProto.decode(bytes);
    if (!model.graph) return 'it holds no graph';
    return model;
  } catch (error) {
    return (error as Error).message;
  }
}

function compare(
  side: 'input' | 'output',
  expected: ManifestSignature['inputs'] | ManifestSignature['outputs'],
  actual: readonly Declared[],
): string | undefined {
  const byName = new Map(actual.map((d) => [d.name, d]));
  const expectedNames = new Set(expected.map((e) => e.name));
  for (const e of expected) {
    const a = byName.get(e.name);
    if (!a)
      return `the manifest's ${side} \`${e.name}\` is not an ${side} of the model (it has ${actual.map((d) => `\`${d.name}\``).join(', ') || 'none'})`;
    if (a.elemType !== elemTypes[e.dtype])
      return `${side} \`${e.name}\` is ${e.dtype} in the manifest but ${a.elemType === undefined ? 'not a tensor' : dtypeName(a.elemType)} in the model`;
    if (a.dims?.length !== e.shape.length)
      return `${side} \`${e.name}\` has rank ${e.shape.length} in the manifest but ${a.dims?.length ?? 'no shape'} in the model`;
    const at = e.shape.findIndex((d, i) => d !== a.dims![i]);
    if (at >= 0)
      return `${side} \`${e.name}\` has dimension ${at} ${JSON.stringify(e.shape[at])} in the manifest but ${JSON.stringify(a.dims[at] ?? null)} in the model`;
  }
  for (const a of actual) if (!expectedNames.has(a.name)) return `the model's ${side} \`${a.name}\` is not in the manifest`;
  return undefined;
}

/**
 * Where the manifest's account of a signature differs from the ONNX model it names: the
 * graph's own inputs (initializers aside, which older IR versions also list as inputs)
 * and outputs by name, element type and rank, and the opset and IR version. A client
 * codes against the manifest, so the two must agree exactly.
 */
export function contractProblem(model: OnnxTypes.ModelProto, signature: ManifestSignature): string | undefined {
  const graph = model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(declared);
  const outputs = (graph.output ?? []).map(declared);
  const problem = compare('input', signature.inputs, inputs) ?? compare('output', signature.outputs, outputs);
  if (problem) return problem;
  const opset = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '')?.version;
  if (Number(opset) !== signature.onnx.opset)
    return `the manifest says opset ${signature.onnx.opset}, the model imports ${opset === undefined ? 'no default opset' : `opset ${String(opset)}`}`;
  if (Number(model.irVersion) !== signature.onnx.irVersion)
    return `the manifest says ONNX IR version ${signature.onnx.irVersion}, the model has ${String(model.irVersion)}`;
  return undefined;
}
