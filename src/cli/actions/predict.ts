import { extname } from 'node:path';
import { BackendUnavailable, loadTf, type BackendName } from '../../backends/tfjs/loadTf.js';
import { DataError } from '../../data/dataError.js';
import { Dataset } from '../../data/dataset.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { Trainer } from '../../train/trainer.js';
import { isArtifactPath } from '../../pipeline/artifactPath.js';
import { checkSource } from '../../pipeline/checkSource.js';
import { selectModel, selectSignatures } from '../../pipeline/selectModel.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../../pipeline/readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { PredictionWriter } from '../../pipeline/predictionWriter.js';
import { readRun } from '../../pipeline/runFolder.js';
import { predictArtifact } from './predictArtifact.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface PredictArgs extends ReportOptions {
  readonly file: string;
  readonly checkpoint?: string;
  readonly data: string;
  readonly out: string;
  readonly signature?: string;
  readonly batch?: number;
  readonly backend?: BackendName;
}

/**
 * `bird predict FILE --checkpoint RUN --data PATH --out FILE`: runs a trained model (the
 * fitted IR and weights of a run, on TF.js) on every row of a data file, labels not
 * needed, and writes one line per row in file order: CSV or JSONL as the extension of
 * `--out` says. `bird predict ARTIFACT ...` runs an exported artifact on ONNX Runtime.
 */
export async function predict(args: PredictArgs, io: Io): Promise<number> {
  const format = extname(args.out) === '.csv' ? 'csv' : extname(args.out) === '.jsonl' ? 'jsonl' : undefined;
  // `bird predict`'s command line has checked the extension.
  if (!format) throw new UsageError('`--out` must end in `.csv` or `.jsonl`');
  checkOut(args.out, 'file');
  if (isArtifactPath(args.file)) {
    if (args.checkpoint !== undefined) throw new UsageError('`--checkpoint` goes with a .bird file; an artifact carries its own weights');
    if (args.backend !== undefined) throw new UsageError('`--backend` chooses the TF.js backend; an artifact runs on ONNX Runtime');
    return predictArtifact({ ...args, artifact: args.file, format }, io);
  }
  if (args.checkpoint === undefined)
    throw new UsageError('`--checkpoint RUN` is needed to predict with a .bird file (or give an artifact folder instead of the file)');
  const [source] = readSources([args.file]);
  const checked = checkSource(source!);
  if (hasErrors(checked.diagnostics)) {
    reportDiagnostics(io, checked.diagnostics, args);
    return ExitCode.diagnostics;
  }
  // The run's own fitted IR is what was trained; the file must still declare that model.
  const { run, checkpoint, graph, saved } = readRun(args.checkpoint);
  const selected = selectModel(source!, checked.models, graph.model, 'only', { run });
  const signatures = selected.value ? selectSignatures(selected.value, args.signature) : selected;
  if (!signatures.value) {
    reportDiagnostics(io, signatures.diagnostics, args);
    return ExitCode.diagnostics;
  }
  // The run's own signature of that name: what was trained.
  const signature = args.signature === undefined ? undefined : graph.signatures.find((s) => s.name === args.signature);
  if (args.signature !== undefined && !signature)
    throw new UsageError(
      `\`${run}\` was trained before model \`${graph.model}\` declared signature \`${args.signature}\`; export it, or train again`,
    );
  const outputs = signature
    ? signature.outputs.map((o) => ({ name: o.alias, node: graph.outputs.find((g) => g.name === o.name)!.node }))
    : graph.outputs.map((o) => ({ name: o.name, node: o.node }));
  const { tf } = await loadTf(args.backend).catch((error: unknown) => {
    throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
  });
  const trainer = new Trainer(tf, graph, { epochs: 1, batch: args.batch ?? 1024, seed: 1, shuffle: 0 });
  trainer.restore(saved.tensors, saved.step);
  const dataset = new Dataset(graph, { kind: 'file', path: args.data, split: { kind: 'none' } }, undefined, 'features');
  const out = new PredictionWriter(
    args.out,
    format,
    outputs.map((o) => o.name),
  );
  try {
    for await (const r of trainer.predict(
      dataset.batches('train', args.batch ?? 1024),
      outputs.map((o) => o.node),
    ))
      await out.write(
        r.size,
        r.values.map((v) => v.data),
      );
    await out.commit();
  } catch (error) {
    await out.abort();
    trainer.program.dispose();
    if (error instanceof DataError) {
      reportDiagnostics(io, [error.diagnostic], args);
      return ExitCode.diagnostics;
    }
    throw error;
  }
  trainer.program.dispose();
  const rows = out.rows;
  if (args.json) io.stdout(JSON.stringify({ rows, out: args.out, checkpoint, outputs: outputs.map((o) => o.name) }) + '\n');
  else
    io.stderr(
      `wrote ${rows} prediction${rows === 1 ? '' : 's'} of ${outputs.map((o) => `\`${o.name}\``).join(', ')} to ${args.out} (checkpoint ${checkpoint})\n`,
    );
  return ExitCode.ok;
}
