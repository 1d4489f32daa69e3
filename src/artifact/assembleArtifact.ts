import { createHash } from 'node:crypto';
import { valid } from 'semver';
import type { ExportedSignature } from '../backends/onnx/exportedSignature.js';
import type { IrFeature, IrGraph } from '../ir/ir.js';
import { ArtifactError } from './artifactError.js';
import { formatJson } from './formatJson.js';
import type { HashFunctionSpec } from './hashFunctionSpec.js';
import {
  firstModelFile,
  irFile,
  manifestFile,
  manifestFormat,
  vectorsFile,
  weightsFile,
  type ArtifactManifest,
  type DataFingerprint,
  type ManifestFeature,
  type ManifestFileEntry,
  type ManifestSignature,
} from './manifest.js';
import { encodeSafetensors, float32Tensor, type SafeTensor } from './safetensors.js';
import { decodeVectorTensor, encodeVectorTensor, type GoldenVectors, type VectorTensor } from './vectors.js';

/** A trained parameter, as the trainer lists them. */
export interface WeightTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Everything an artifact is made of; the same input always gives the same bytes. */
export interface ArtifactInput {
  /** The artifact's semver, `MAJOR.MINOR.PATCH[-pre][+build]`. */
  readonly version: string;
  readonly birdVersion: string;
  /** The fitted IR: its model name names the artifact, its features and labels become the feature spec. */
  readonly graph: IrGraph;
  /** In order: the first is written as `model.onnx`, each further one as `<name>.onnx`. */
  readonly signatures: readonly ExportedSignature[];
  readonly weights: readonly WeightTensor[];
  /** Golden inputs and outputs for every signature. */
  readonly vectors: GoldenVectors;
  /** The feature hash, from `describeHashFunction` with the data stage's functions. */
  readonly hash: HashFunctionSpec;
  readonly data: DataFingerprint;
  readonly metrics: Readonly<Record<string, number>>;
}

/** An artifact in memory: the manifest and every file's bytes by name, `manifest.json` included. */
export interface AssembledArtifact {
  readonly manifest: ArtifactManifest;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function badInput(message: string, hint: string): ArtifactError {
  return new ArtifactError('artifact-bad-input', message, hint);
}

/** A JSON copy: the IR's attribute values are JSON by construction, this drops what JSON cannot hold. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function manifestFeature(f: IrFeature): ManifestFeature {
  return jsonCopy({
    name: f.name,
    kind: f.kind,
    args: f.args,
    default: f.default,
    transforms: f.transforms.map((t) => ({ name: t.name, op: t.op, args: t.args })),
  });
}

/** Which file holds each signature: `model.onnx` for the first, `<name>.onnx` after it. */
export function signatureFiles(names: readonly string[]): string[] {
  const taken = new Set([manifestFile, irFile, weightsFile, vectorsFile, firstModelFile]);
  return names.map((name, i) => {
    if (i === 0) return firstModelFile;
    if (!identifier.test(name))
      throw badInput(`signature name ${JSON.stringify(name)} cannot name a file`, 'signature names are identifiers');
    let file = `${name}.onnx`;
    if (taken.has(file)) file = `${name}.signature.onnx`;
    taken.add(file);
    return file;
  });
}

function checkVectorTensors(
  signature: string,
  side: 'inputs' | 'outputs',
  tensors: Readonly<Record<string, VectorTensor>>,
  declared: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[],
): void {
  const names = new Set(declared.map((d) => d.name));
  for (const name of Object.keys(tensors))
    if (!names.has(name))
      throw badInput(
        `the golden vectors of signature \`${signature}\` have ${side} \`${name}\`, which the signature lacks`,
        `the signature's ${side} are ${[...names].map((n) => `\`${n}\``).join(', ')}`,
      );
  for (const d of declared) {
    const t = tensors[d.name];
    if (!t)
      throw badInput(
        `the golden vectors of signature \`${signature}\` lack ${side} \`${d.name}\``,
        `give every ${side === 'inputs' ? 'input' : 'output'} of the signature a golden value`,
      );
    const shapeFits = t.shape.length === d.shape.length && d.shape.every((dim, i) => typeof dim === 'string' || dim === t.shape[i]);
    if (t.dtype !== d.dtype || !shapeFits)
      throw badInput(
        `golden ${side} \`${d.name}\` of signature \`${signature}\` is ${t.dtype}[${t.shape.join(', ')}], but the signature says ${d.dtype}[${d.shape.join(', ')}]`,
        'make the golden vectors with the exported model',
      );
    if (t.data.length !== t.shape.reduce((n, x) => n * x, 1))
      throw badInput(
        `golden ${side} \`${d.name}\` of signature \`${signature}\` has ${t.data.length} elements for shape [${t.shape.join(', ')}]`,
        "data holds the shape's product of elements, row-major",
      );
  }
}

/** Refuses golden vectors that do not fit the signatures: every signature and tensor, dtypes, shapes, element counts. */
export function checkVectors(vectors: GoldenVectors, signatures: readonly Pick<ExportedSignature, 'name' | 'inputs' | 'outputs'>[]): void {
  const { abs, rel } = vectors.tolerance;
  if (!(Number.isFinite(abs) && abs >= 0 && Number.isFinite(rel) && rel >= 0))
    throw badInput(
      `the golden vectors' tolerance {abs: ${abs}, rel: ${rel}} is not two finite numbers >= 0`,
      'for example `{ abs: 1e-5, rel: 1e-4 }`',
    );
  for (const name of Object.keys(vectors.signatures))
    if (!signatures.some((s) => s.name === name))
      throw badInput(
        `the golden vectors name signature \`${name}\`, which is not exported`,
        'give vectors for the exported signatures only',
      );
  for (const s of signatures) {
    const v = vectors.signatures[s.name];
    if (!v) throw badInput(`signature \`${s.name}\` has no golden vectors`, 'every exported signature needs golden inputs and outputs');
    checkVectorTensors(s.name, 'inputs', v.inputs, s.inputs);
    checkVectorTensors(s.name, 'outputs', v.outputs, s.outputs);
  }
}

/** Float32 data in its shortest form and non-finite values as strings, however the caller wrote them. */
function canonicalVectors(vectors: GoldenVectors): GoldenVectors {
  const canonical = (side: Readonly<Record<string, VectorTensor>>, signature: string): Record<string, VectorTensor> =>
    Object.fromEntries(
      Object.entries(side).map(([name, t]) => {
        try {
          return [name, encodeVectorTensor(t.dtype, t.shape, decodeVectorTensor(t).values)];
        } catch (error) {
          throw badInput(
            `golden tensor \`${name}\` of signature \`${signature}\` is invalid: ${(error as Error).message}`,
            'make golden tensors with `encodeVectorTensor`',
          );
        }
      }),
    );
  return {
    tolerance: { abs: vectors.tolerance.abs, rel: vectors.tolerance.rel },
    signatures: Object.fromEntries(
      Object.entries(vectors.signatures).map(([name, v]) => [
        name,
        { inputs: canonical(v.inputs, name), outputs: canonical(v.outputs, name) },
      ]),
    ),
    ...(vectors.rows ? { rows: vectors.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))) } : {}),
  };
}

function weightsBytes(input: ArtifactInput): Uint8Array {
  const tensors = new Map<string, SafeTensor>();
  for (const w of input.weights) {
    if (tensors.has(w.name)) throw badInput(`two weights are named \`${w.name}\``, 'parameter names are unique after inlining');
    tensors.set(w.name, float32Tensor(w.shape, w.values));
  }
  // No version in the metadata: identical weights must hash the same in every version, so `bird diff` sees them unchanged.
  return encodeSafetensors(tensors, { format: 'bird-weights/1', model: input.graph.model });
}

/** Builds the manifest and every file in memory, checking the input's consistency; writes nothing. */
export function assembleArtifact(input: ArtifactInput): AssembledArtifact {
  const model = input.graph.model;
  if (!identifier.test(model)) throw badInput(`model name ${JSON.stringify(model)} cannot name a folder`, 'model names are identifiers');
  if (valid(input.version) !== input.version)
    throw new ArtifactError(
      'artifact-bad-version',
      `version ${JSON.stringify(input.version)} is not a semantic version`,
      'write MAJOR.MINOR.PATCH, for example `1.0.0` or `2.1.0-rc.1`, without a leading `v`',
    );
  if (input.signatures.length === 0)
    throw badInput(`model \`${model}\` exports no signature`, 'declare one: `signature serve @ 1.0.0 { inputs f outputs ... }`');
  const seen = new Set<string>();
  for (const s of input.signatures) {
    if (seen.has(s.name)) throw badInput(`signature \`${s.name}\` is exported twice`, 'export each signature once');
    seen.add(s.name);
    if (valid(s.version) !== s.version)
      throw new ArtifactError(
        'artifact-bad-version',
        `signature \`${s.name}\` has version ${JSON.stringify(s.version)}, which is not a semantic version`,
        'write MAJOR.MINOR.PATCH',
      );
    const declared = input.graph.signatures.find((d) => d.name === s.name);
    if (declared && declared.version !== s.version)
      throw badInput(
        `signature \`${s.name}\` is exported as ${s.version} but the IR declares ${declared.version}`,
        'export from the same IR',
      );
  }
  checkVectors(input.vectors, input.signatures);

  const files = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  files.set(irFile, encoder.encode(formatJson(jsonCopy(input.graph))));
  files.set(weightsFile, weightsBytes(input));
  const onnxFiles = signatureFiles(input.signatures.map((s) => s.name));
  input.signatures.forEach((s, i) => files.set(onnxFiles[i]!, s.onnx));
  files.set(vectorsFile, encoder.encode(formatJson(canonicalVectors(input.vectors))));

  const signatures: ManifestSignature[] = input.signatures.map((s, i) =>
    jsonCopy({
      name: s.name,
      version: s.version,
      file: onnxFiles[i]!,
      onnx: { opset: s.opset, irVersion: s.irVersion },
      inputs: s.inputs.map((x) => ({
        name: x.name,
        dtype: x.dtype,
        shape: x.shape,
        feature: x.feature,
        kind: x.kind,
        encoding: x.encoding,
        default: x.default,
        outOfGraph: x.outOfGraph,
        ...(x.columns ? { columns: x.columns } : {}),
      })),
      outputs: s.outputs.map((x) => ({ name: x.name, dtype: x.dtype, shape: x.shape, output: x.output })),
    }),
  );
  const entries: Record<string, ManifestFileEntry> = {};
  for (const [name, bytes] of files) entries[name] = { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  const manifest: ArtifactManifest = {
    format: manifestFormat,
    name: model,
    version: input.version,
    birdVersion: input.birdVersion,
    irVersion: input.graph.version,
    signatures,
    features: input.graph.features.filter((f) => f.role === 'feature').map(manifestFeature),
    labels: input.graph.features.filter((f) => f.role === 'label').map(manifestFeature),
    hash: jsonCopy(input.hash),
    training: {
      data: jsonCopy(input.data),
      metrics: Object.fromEntries(Object.entries(input.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
    },
    files: entries,
  };
  files.set(manifestFile, encoder.encode(formatJson(manifest)));
  return { manifest, files };
}
