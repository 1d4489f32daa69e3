import type { LoadedArtifact } from '../../artifact/loadArtifact.js';
import { openArtifact } from '../../artifact/openArtifact.js';
import { artifactChecks } from '../../data/artifactChecks.js';
import { OnnxSession } from '../../backends/onnx/runOnnx.js';
import { DataError } from '../../data/dataError.js';
import { RowDecoder } from '../../data/decodeRow.js';
import { formatOf, readRows } from '../../data/readRows.js';
import { clientText, signatureFeeds, type ClientRow } from '../../data/signatureFeeds.js';
import { PredictionWriter } from '../../pipeline/predictionWriter.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface PredictArtifactArgs extends ReportOptions {
  readonly artifact: string;
  readonly data: string;
  readonly out: string;
  readonly format: 'csv' | 'jsonl';
  readonly signature?: string;
  readonly batch?: number;
}

/**
 * `bird predict ARTIFACT --data PATH --out FILE`: what a serving team runs, done by Bird:
 * raw rows encoded from the signature (hashing outside the graph as the manifest says),
 * fed to the artifact's ONNX model by ONNX Runtime, outputs written in file order.
 */
export async function predictArtifact(args: PredictArtifactArgs, io: Io): Promise<number> {
  let artifact: LoadedArtifact;
  try {
    // Every check, the golden vectors replayed included, before a single prediction is written.
    artifact = await openArtifact(args.artifact, artifactChecks);
  } catch (error) {
    reportDiagnostics(io, [artifactDiagnostic(error, args.artifact, '')], args);
    return ExitCode.diagnostics;
  }
  const signatures = artifact.manifest.signatures;
  const signature = args.signature === undefined ? signatures[0]! : signatures.find((s) => s.name === args.signature);
  if (!signature)
    throw new UsageError(
      `artifact ${artifact.manifest.name} ${artifact.manifest.version} has no signature \`${args.signature}\`; it has ${signatures.map((s) => `\`${s.name}\``).join(', ')}`,
    );
  const session = await OnnxSession.load(artifact.models.get(signature.name)!);
  const out = new PredictionWriter(
    args.out,
    args.format,
    signature.outputs.map((o) => o.name),
  );
  const batch = args.batch ?? 1024;
  const flush = async (pending: ClientRow[]): Promise<void> => {
    const result = await session.run(signatureFeeds(signature.inputs, pending));
    await out.write(
      pending.length,
      signature.outputs.map((o) =>
        Array.from(result[o.name]!.data as ArrayLike<number | bigint | string>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
      ),
    );
  };
  // Rows are checked as the data stage checks them, so a bad value is a diagnostic, not a silent default.
  const needed = new Set(signature.inputs.map((i) => i.feature));
  const decoder = new RowDecoder(
    args.data,
    artifact.ir.features.filter((f) => f.role === 'feature' && needed.has(f.name)),
    formatOf(args.data) ?? 'csv',
  );
  try {
    let pending: ClientRow[] = [];
    for await (const row of readRows(args.data)) {
      try {
        if (row.problem) throw new DataError(row.problem);
        decoder.decode(row);
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        reportDiagnostics(io, [error.diagnostic], args);
        await out.abort();
        return ExitCode.diagnostics;
      }
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
    // A missing, empty or cut-short data file.
    if (error instanceof DataError) {
      reportDiagnostics(io, [error.diagnostic], args);
      return ExitCode.diagnostics;
    }
    throw error;
  } finally {
    await session.release();
  }
  const rows = out.rows;
  if (args.json)
    io.stdout(
      JSON.stringify({
        rows,
        out: args.out,
        artifact: args.artifact,
        signature: signature.name,
        outputs: signature.outputs.map((o) => o.name),
      }) + '\n',
    );
  else
    io.stderr(
      `wrote ${rows} prediction${rows === 1 ? '' : 's'} of ${signature.outputs.map((o) => `\`${o.name}\``).join(', ')} to ${args.out} (artifact ${artifact.manifest.name} ${artifact.manifest.version}, signature \`${signature.name}\`, ONNX Runtime)\n`,
    );
  return ExitCode.ok;
}
