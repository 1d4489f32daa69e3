import { join } from 'node:path';
import type { LoadedArtifact } from '../artifact/loadArtifact.js';
import { openArtifact } from '../artifact/openArtifact.js';
import { OnnxSession } from '../backends/onnx/runOnnx.js';
import { artifactChecks } from '../data/artifactChecks.js';
import { DataError } from '../data/dataError.js';
import { RowDecoder } from '../data/decodeRow.js';
import { readDataRows } from '../data/readDataRows.js';
import { clientText, signatureFeeds, type ClientRow } from '../data/signatureFeeds.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { artifactDiagnostic } from './artifactDiagnostic.js';
import { PredictionWriter } from './predictionWriter.js';
import { failed, type Result } from './result.js';

export interface PredictArtifactOptions {
  /** The artifact folder (`OUT/MODEL/VERSION`). */
  readonly artifact: string;
  /** The rows: CSV, JSONL, Parquet or Arrow, or a glob of such files. */
  readonly data: string;
  readonly out: string;
  readonly format: 'csv' | 'jsonl';
  /** Default: the artifact's first signature. */
  readonly signature?: string;
  /** Rows per batch (default 1024). */
  readonly batch?: number;
  /** Called after each batch is written, with the rows written so far. */
  readonly progress?: (rows: number) => void;
}

/** Predictions of an artifact: the rows written, where, the artifact and signature, the outputs in column order. */
export interface ArtifactPredictions {
  readonly kind: 'artifact';
  readonly rows: number;
  readonly out: string;
  readonly artifact: string;
  readonly model: string;
  readonly version: string;
  readonly signature: string;
  readonly outputs: readonly string[];
}

/**
 * `bird predict ARTIFACT`: what a serving team runs, done by Bird: every check of the
 * artifact first (hashes, golden vectors replayed), then raw rows encoded from the
 * signature (hashing outside the graph as the manifest says), fed to the signature's ONNX
 * model by ONNX Runtime, outputs written in file order. A signature the artifact does not
 * have is BIRD6011 at its manifest; a bad row is its data diagnostic (rows are checked as
 * the data stage checks them, so a bad value is not a silent default) and nothing is
 * written.
 */
export async function predictArtifact(options: PredictArtifactOptions): Promise<Result<ArtifactPredictions>> {
  let artifact: LoadedArtifact;
  try {
    artifact = await openArtifact(options.artifact, artifactChecks);
  } catch (error) {
    return failed([artifactDiagnostic(error, options.artifact, '')]);
  }
  const { manifest } = artifact;
  const signature =
    options.signature === undefined ? manifest.signatures[0]! : manifest.signatures.find((s) => s.name === options.signature);
  if (!signature) {
    const signatures = manifest.signatures.map((s) => `\`${s.name}\``).join(', ');
    const at = new SourceFile(join(options.artifact, 'manifest.json'), '');
    return failed([
      diagnostic('artifactHasNoSignature', { model: manifest.name, version: manifest.version, name: options.signature!, signatures }, at, {
        start: 0,
        end: 0,
      }),
    ]);
  }
  const session = await OnnxSession.load(artifact.models.get(signature.name)!);
  const outputs = signature.outputs.map((o) => o.name);
  const out = new PredictionWriter(options.out, options.format, outputs);
  const batch = options.batch ?? 1024;
  const flush = async (pending: ClientRow[]): Promise<void> => {
    const result = await session.run(signatureFeeds(signature.inputs, pending));
    await out.write(
      pending.length,
      signature.outputs.map((o) =>
        Array.from(result[o.name]!.data as ArrayLike<number | bigint | string>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
      ),
    );
    options.progress?.(out.rows);
  };
  const needed = new Set(signature.inputs.map((i) => i.feature));
  const features = artifact.ir.features.filter((f) => f.role === 'feature' && needed.has(f.name));
  let decoder: { file: string; decoder: RowDecoder } | undefined;
  try {
    let pending: ClientRow[] = [];
    for await (const { file, format, row } of readDataRows(options.data)) {
      if (decoder?.file !== file) decoder = { file, decoder: new RowDecoder(file, features, format ?? 'csv') };
      if (row.problem) throw new DataError(row.problem);
      decoder.decoder.decode(row);
      pending.push(Object.fromEntries([...row.values].map(([k, v]) => [k, clientText(v)])));
      if (pending.length === batch) {
        await flush(pending);
        pending = [];
      }
    }
    if (pending.length > 0) await flush(pending);
    await out.commit();
  } catch (error) {
    await out.abort();
    // A bad row, or a missing, empty or cut-short data file.
    if (error instanceof DataError) return failed([error.diagnostic]);
    throw error;
  } finally {
    await session.release();
  }
  const value: ArtifactPredictions = {
    kind: 'artifact',
    rows: out.rows,
    out: options.out,
    artifact: options.artifact,
    model: manifest.name,
    version: manifest.version,
    signature: signature.name,
    outputs,
  };
  return { value, diagnostics: [] };
}
