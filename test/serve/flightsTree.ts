/**
 * An `artifacts/` tree of the flights model for the server's tests and bench: the model
 * fitted on the bundled sample once per process, weights drawn from a seed (so two
 * versions predict differently), golden vectors made by ONNX Runtime on sample rows, and
 * written by `writeArtifact` as `bird export` writes it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeHashFunction } from '../../src/artifact/hashFunctionSpec.js';
import { encodeVectorTensor, type GoldenVectors, type VectorTensor } from '../../src/artifact/vectors.js';
import { loadArtifact } from '../../src/artifact/loadArtifact.js';
import { writeArtifact } from '../../src/artifact/writeArtifact.js';
import { exportSignatures } from '../../src/backends/onnx/exportSignatures.js';
import { OnnxSession } from '../../src/backends/onnx/runOnnx.js';
import { clientRows } from '../../src/data/clientRows.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { birdHashSeed, hashBucket } from '../../src/data/hashBucket.js';
import { murmur3x86_32 } from '../../src/ops/murmur3.js';
import { signatureFeeds, type ClientRow } from '../../src/data/signatureFeeds.js';
import { xorshift32 } from '../../src/data/xorshift.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { checkSource } from '../../src/pipeline/checkSource.js';
import { packageRoot } from '../../src/source/packageRoot.js';
import { SourceFile } from '../../src/source/sourceFile.js';

// Not test/helpers/semanticCases.js: that imports Jest, and the bench uses this file too.
const repoRoot = packageRoot();

export const flightsData = join(repoRoot, 'models', 'data', 'flights_sample.csv.gz');

let fitted: Promise<IrGraph> | undefined;

function fittedGraph(): Promise<IrGraph> {
  const modelPath = join(repoRoot, 'models', 'flights.bird');
  fitted ??= (async () => {
    const compiled = compileModel(checkSource(new SourceFile(modelPath, readFileSync(modelPath, 'utf8'))).models[0]!).graph;
    return new Dataset(compiled, dataSource(compiled.train?.settings['data'], modelPath)!).fit();
  })();
  return fitted;
}

/** The first `n` rows of the sample as a client holds them (text fields), without the label and date. */
export async function sampleRows(n: number): Promise<ClientRow[]> {
  const rows = await clientRows(flightsData, n);
  return rows.map((r) =>
    Object.fromEntries(['hour', 'dayofweek', 'month', 'distance', 'origin', 'destination', 'route'].map((k) => [k, r[k] ?? ''])),
  );
}

/** Writes `root/DelayMlp/<version>/` with weights drawn from `seed`; returns the folder. */
export async function writeFlightsVersion(root: string, version: string, seed: number): Promise<string> {
  const graph = await fittedGraph();
  const next = xorshift32(seed);
  const weights = new Map<string, Float32Array>();
  for (const n of graph.nodes) {
    if (n.op !== 'param') continue;
    const size = (n.attrs['shape'] as number[]).reduce((p, q) => p * q, 1);
    weights.set(
      String(n.attrs['name']),
      Float32Array.from({ length: size }, () => (next() / 2 ** 32 - 0.5) * 0.4),
    );
  }
  const signatures = exportSignatures(graph, weights, { producerVersion: '0.1.0' });
  const rows = await sampleRows(4);
  const result: GoldenVectors['signatures'] = {};
  for (const s of signatures) {
    const feeds = signatureFeeds(s.inputs, rows);
    const session = await OnnxSession.load(s.onnx);
    const out = await session.run(feeds);
    await session.release();
    const enc = (v: { dtype: string; dims: readonly number[]; data: unknown }): VectorTensor =>
      encodeVectorTensor(v.dtype as never, v.dims, v.data as never);
    (result as Record<string, unknown>)[s.name] = {
      inputs: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, enc(v)])),
      outputs: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, enc(v)])),
    };
  }
  return writeArtifact(root, {
    version,
    birdVersion: '0.1.0',
    graph,
    signatures,
    weights: [...weights].map(([name, values]) => ({
      name,
      shape: graph.nodes.find((n) => n.op === 'param' && n.attrs['name'] === name)!.attrs['shape'] as number[],
      values,
    })),
    vectors: { tolerance: { abs: 1e-5, rel: 1e-4 }, signatures: result },
    hash: describeHashFunction({ seed: birdHashSeed, murmur3: murmur3x86_32, bucket: hashBucket }),
    data: {
      files: [
        {
          path: 'models/data/flights_sample.csv.gz',
          bytes: statSync(flightsData).size,
          sha256: createHash('sha256').update(readFileSync(flightsData)).digest('hex'),
        },
      ],
      rows: { train: 5000, eval: 1000 },
    },
    metrics: { auc: 0.5 },
  });
}

/** What `bird predict ARTIFACT` computes for the rows: the artifact's model in-process. */
export async function inProcess(dir: string, rows: readonly ClientRow[]): Promise<number[]> {
  const artifact = loadArtifact(dir);
  const s = artifact.manifest.signatures[0]!;
  const session = await OnnxSession.load(artifact.models.get(s.name)!);
  const out = await session.run(signatureFeeds(s.inputs, rows));
  await session.release();
  return Array.from(out['p_delayed']!.data as Float32Array);
}
