import type { ArtifactInput } from '../../src/artifact/assembleArtifact.js';
import { describeHashFunction } from '../../src/artifact/hashFunctionSpec.js';
import type { ArtifactManifest } from '../../src/artifact/manifest.js';
import { encodeVectorTensor, type GoldenVectors } from '../../src/artifact/vectors.js';
import type { ExportedSignature, SignatureInput } from '../../src/backends/onnx/exportedSignature.js';
import { birdHashSeed, hashBucket } from '../../src/data/hashBucket.js';
import { murmur3x86_32 } from '../../src/ops/murmur3.js';
import type { IrFeature, IrGraph } from '../../src/ir/ir.js';

export const hashSpec = describeHashFunction({ seed: birdHashSeed, murmur3: murmur3x86_32, bucket: hashBucket });

export const features: IrFeature[] = [
  {
    name: 'distance',
    role: 'feature',
    kind: 'continuous',
    args: {},
    default: 0,
    transforms: [
      { name: 'log1p', op: 'log1p', args: {} },
      { name: 'zscore', op: 'zscore', args: { mean: 6.38, std: 0.81 } },
    ],
    node: 0,
  },
  {
    name: 'origin',
    role: 'feature',
    kind: 'string',
    args: {},
    default: '',
    transforms: [{ name: 'vocab', op: 'vocab_lookup', args: { max: 300, oov: 1, min_count: 1, vocabulary: ['ORD', 'LAX', 'DFW'] } }],
    node: 1,
  },
  {
    name: 'words',
    role: 'feature',
    kind: 'sparse_binary',
    args: {},
    default: [],
    transforms: [{ name: 'hash', op: 'hash_bucket', args: { bits: 18 } }],
    node: 2,
  },
  { name: 'hour', role: 'feature', kind: 'discrete', args: { n: 24 }, default: 0, transforms: [], node: 3 },
  { name: 'delayed', role: 'label', kind: 'binary', args: { downsample_neg: 1 }, default: 0, transforms: [], node: 4 },
];

export const serveInputs: SignatureInput[] = [
  {
    name: 'distance',
    dtype: 'float32',
    shape: ['batch'],
    feature: 'distance',
    kind: 'continuous',
    encoding: 'dense',
    default: 0,
    outOfGraph: [],
  },
  { name: 'origin', dtype: 'string', shape: ['batch'], feature: 'origin', kind: 'string', encoding: 'string', default: '', outOfGraph: [] },
  {
    name: 'words',
    dtype: 'int64',
    shape: ['batch', 'words.length'],
    feature: 'words',
    kind: 'sparse_binary',
    encoding: 'padded_ids',
    default: null,
    outOfGraph: [{ op: 'hash_bucket', args: { bits: 18 } }],
  },
  { name: 'hour', dtype: 'int64', shape: ['batch'], feature: 'hour', kind: 'discrete', encoding: 'dense', default: 0, outOfGraph: [] },
];

export function signature(name: string, overrides: Partial<ExportedSignature> = {}): ExportedSignature {
  return {
    name,
    version: '1.0.0',
    inputs: serveInputs,
    outputs: [{ name: 'p_delayed', dtype: 'float32', shape: ['batch', 1], output: 'p_delayed' }],
    // Any bytes will do: the artifact stage never parses ONNX.
    onnx: Uint8Array.from([0x08, 0x09, 0x12, 0x04, 0x62, 0x69, 0x72, 0x64, name.length]),
    opset: 17,
    irVersion: 9,
    ...overrides,
  };
}

export function graph(overrides: Partial<IrGraph> = {}): IrGraph {
  return {
    version: 1,
    model: 'Ranker',
    features,
    functions: [],
    nodes: [],
    outputs: [{ name: 'p_delayed', node: 0 }],
    train: null,
    signatures: [
      { name: 'serve', version: '1.0.0', inputs: [{ name: 'f', alias: 'f' }], outputs: [{ name: 'p_delayed', alias: 'p_delayed' }] },
    ],
    ...overrides,
  };
}

/** Golden vectors fitting `sig`: two examples, the second with every value missing. */
export function vectorsFor(sigs: readonly ExportedSignature[]): GoldenVectors {
  const value = (dtype: string, name: string, shape: number[]): (number | string)[] => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (dtype === 'string') return Array.from({ length: n }, (_, i) => (i === 0 ? 'ORD' : ''));
    if (dtype === 'int64') return Array.from({ length: n }, (_, i) => (i === 0 ? hashBucket(name, 18) : 0));
    return Array.from({ length: n }, (_, i) => (i === 0 ? 0.1 : NaN));
  };
  const concrete = (shape: readonly (number | string)[]): number[] => shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 2 : 3));
  return {
    tolerance: { abs: 1e-5, rel: 1e-4 },
    signatures: Object.fromEntries(
      sigs.map((s) => [
        s.name,
        {
          inputs: Object.fromEntries(
            s.inputs.map((x) => [
              x.name,
              encodeVectorTensor(x.dtype, concrete(x.shape), value(x.dtype, x.name, concrete(x.shape)) as never),
            ]),
          ),
          outputs: Object.fromEntries(s.outputs.map((x) => [x.name, encodeVectorTensor(x.dtype, concrete(x.shape), [0.25, 0.75])])),
        },
      ]),
    ),
  };
}

export function artifactInput(overrides: Partial<ArtifactInput> = {}): ArtifactInput {
  const signatures = overrides.signatures ?? [signature('serve')];
  return {
    version: '1.0.0',
    birdVersion: '0.1.0',
    graph: graph(),
    signatures,
    weights: [
      { name: 'dense/kernel', shape: [2, 1], values: Float32Array.from([0.5, -1.5]) },
      { name: 'dense/bias', shape: [1], values: Float32Array.from([0.1]) },
    ],
    vectors: vectorsFor(signatures),
    hash: hashSpec,
    data: { files: [{ path: 'data/flights.csv.gz', bytes: 1234, sha256: 'ab'.repeat(32) }], rows: { train: 5000, eval: 1000 } },
    metrics: { auc: 0.71, rce: 3.2 },
    ...overrides,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** A deep, writable copy of a manifest for a test to change. */
export function editable(m: ArtifactManifest): Mutable<ArtifactManifest> {
  return structuredClone(m) as Mutable<ArtifactManifest>;
}
