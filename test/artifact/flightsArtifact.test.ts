import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describeHashFunction } from '../../src/artifact/hashFunctionSpec.js';
import { loadArtifact } from '../../src/artifact/loadArtifact.js';
import { float32Values } from '../../src/artifact/safetensors.js';
import {
  compareOutputs,
  decodeVectorTensor,
  encodeVectorTensor,
  type DecodedTensor,
  type GoldenVectors,
  type VectorTensor,
} from '../../src/artifact/vectors.js';
import { writeArtifact } from '../../src/artifact/writeArtifact.js';
import type { ExportedSignature } from '../../src/backends/onnx/exportedSignature.js';
import { exportSignatures } from '../../src/backends/onnx/exportSignatures.js';
import { OnnxSession, type OnnxValue } from '../../src/backends/onnx/runOnnx.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { birdHashSeed, hashBucket } from '../../src/data/hashBucket.js';
import { murmur3x86_32 } from '../../src/ops/murmur3.js';
import { xorshift32 } from '../../src/data/xorshift.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

/** Three client rows, the second with a missing distance and origin, the third with unknown airports. */
const columns: Record<string, (number | string)[]> = {
  hour: [7, 0, 23],
  dayofweek: [1, 5, 7],
  month: [1, 6, 12],
  distance: [1000, NaN, 250],
  origin: ['ORD', '', 'XYZ'],
  destination: ['LAX', 'ATL', 'ORD'],
  route: ['ORD-LAX', '', 'XYZ-ORD'],
};

async function run(bytes: Uint8Array, inputs: Readonly<Record<string, VectorTensor>>): Promise<Record<string, DecodedTensor>> {
  const session = await OnnxSession.load(bytes);
  try {
    const feeds: Record<string, OnnxValue> = {};
    for (const [name, t] of Object.entries(inputs)) {
      const d = decodeVectorTensor(t);
      feeds[name] = { dtype: d.dtype, data: d.values, dims: d.shape } as OnnxValue;
    }
    const out = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([name, v]) => [
        name,
        { dtype: v.dtype as DecodedTensor['dtype'], shape: v.dims, values: v.data as DecodedTensor['values'] },
      ]),
    );
  } finally {
    await session.release();
  }
}

async function goldenVectors(signatures: readonly ExportedSignature[]): Promise<GoldenVectors> {
  const result: Record<string, { inputs: Record<string, VectorTensor>; outputs: Record<string, VectorTensor> }> = {};
  for (const s of signatures) {
    const inputs = Object.fromEntries(s.inputs.map((i) => [i.name, encodeVectorTensor(i.dtype, [3], columns[i.feature]! as never)]));
    const outputs = await run(s.onnx, inputs);
    result[s.name] = {
      inputs,
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, encodeVectorTensor(t.dtype, t.shape, t.values)])),
    };
  }
  return { tolerance: { abs: 1e-5, rel: 1e-4 }, signatures: result };
}

describe('an artifact of the flights model, end to end', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-flights-artifact-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let graph: IrGraph;
  let signatures: ExportedSignature[];
  let dir: string;
  const weights = new Map<string, Float32Array>();

  beforeAll(async () => {
    const modelPath = join(repoRoot, 'models', 'flights.bird');
    const compiled = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
    graph = await new Dataset(compiled, dataSource(compiled.train?.settings['data'], modelPath)!).fit();
    const next = xorshift32(7);
    for (const n of graph.nodes) {
      if (n.op !== 'param') continue;
      const size = (n.attrs['shape'] as number[]).reduce((p, q) => p * q, 1);
      weights.set(
        String(n.attrs['name']),
        Float32Array.from({ length: size }, () => (next() / 2 ** 32 - 0.5) * 0.2),
      );
    }
    signatures = exportSignatures(graph, weights, { producerVersion: '0.1.0' });
    const dataFile = join(repoRoot, 'models', 'data', 'flights_sample.csv.gz');
    dir = writeArtifact(root, {
      version: '1.0.0',
      birdVersion: '0.1.0',
      graph,
      signatures,
      weights: [...weights].map(([name, values]) => ({
        name,
        shape: graph.nodes.find((n) => n.op === 'param' && n.attrs['name'] === name)!.attrs['shape'] as number[],
        values,
      })),
      vectors: await goldenVectors(signatures),
      hash: describeHashFunction({ seed: birdHashSeed, murmur3: murmur3x86_32, bucket: hashBucket }),
      data: {
        files: [
          {
            path: 'models/data/flights_sample.csv.gz',
            bytes: statSync(dataFile).size,
            sha256: createHash('sha256').update(readFileSync(dataFile)).digest('hex'),
          },
        ],
        rows: { train: 5000, eval: 1000 },
      },
      metrics: { auc: 0.5 },
    });
  });

  test('loads back with every hash checked, and its models reproduce the golden vectors', async () => {
    const artifact = loadArtifact(dir);
    expect(artifact.manifest.signatures.map((s) => [s.name, s.file])).toEqual([['serve', 'model.onnx']]);
    const vocabulary = (
      features: readonly { name: string; transforms: readonly { args: Readonly<Record<string, unknown>> }[] }[],
    ): unknown => features.find((f) => f.name === 'origin')!.transforms[0]!.args['vocabulary'];
    expect(vocabulary(artifact.manifest.features)).toEqual(vocabulary(graph.features));
    expect(artifact.ir).toEqual(JSON.parse(JSON.stringify(graph)));
    for (const [name, values] of weights) expect(float32Values(artifact.weights.tensors.get(name)!)).toEqual(values);
    for (const s of artifact.manifest.signatures) {
      const golden = artifact.vectors.signatures[s.name]!;
      const actual = await run(artifact.models.get(s.name)!, golden.inputs);
      expect(compareOutputs(golden.outputs, actual, artifact.vectors.tolerance)).toEqual([]);
    }
  });

  test('its manifest validates against docs/manifest.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'manifest.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const ok = validate(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});
