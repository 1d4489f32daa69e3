import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { BackendUnavailable, loadTf, type BackendName } from '../../backends/tfjs/loadTf.js';
import { DataError } from '../../data/dataError.js';
import { Dataset } from '../../data/dataset.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import type { IrGraph } from '../../ir/ir.js';
import { AtomicWriteStream } from '../../source/atomicWriteStream.js';
import { latestCheckpoint, readCheckpoint } from '../../train/checkpoint.js';
import { Trainer } from '../../train/trainer.js';
import { checkSource } from '../checkSource.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../usageError.js';

export interface PredictArgs extends ReportOptions {
  readonly file: string;
  readonly checkpoint: string;
  readonly data: string;
  readonly out: string;
  readonly signature?: string;
  readonly batch?: number;
  readonly backend?: BackendName;
}

/** The run folder and checkpoint folder `--checkpoint` names: a run (its newest checkpoint) or one checkpoint inside a run. */
export function resolveCheckpoint(path: string): { run: string; checkpoint: string } {
  if (existsSync(join(path, 'index.json'))) return { run: dirname(dirname(path)), checkpoint: path };
  const newest = latestCheckpoint(path);
  if (!newest) throw new UsageError(`\`${path}\` is neither a run folder with checkpoints nor a checkpoint folder`);
  return { run: path, checkpoint: newest };
}

/** The output columns of one example: one per output, or `name.i` for each value of a wider output. */
function header(names: readonly string[], widths: readonly number[]): string[] {
  return names.flatMap((n, i) => (widths[i] === 1 ? [n] : Array.from({ length: widths[i]! }, (_, k) => `${n}.${k}`)));
}

/**
 * `bird predict FILE --checkpoint RUN --data PATH --out FILE`: runs a trained model (the
 * fitted IR and weights of a run) on every row of a data file, labels not needed, and
 * writes one line per row in file order: CSV or JSONL as the extension of `--out` says.
 */
export async function predict(args: PredictArgs, io: Io): Promise<number> {
  const format = extname(args.out) === '.csv' ? 'csv' : extname(args.out) === '.jsonl' || extname(args.out) === '.json' ? 'jsonl' : undefined;
  if (!format) throw new UsageError('`--out` must end in `.csv` or `.jsonl`');
  if (args.batch !== undefined && !(Number.isInteger(args.batch) && args.batch >= 1)) throw new UsageError('`--batch` must be a whole number, 1 or more');
  const [source] = readSources([args.file]);
  const checked = checkSource(source!);
  if (hasErrors(checked.diagnostics)) {
    reportDiagnostics(io, checked.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const { run, checkpoint } = resolveCheckpoint(args.checkpoint);
  if (!existsSync(join(run, 'ir.json'))) throw new UsageError(`\`${run}\` has no \`ir.json\`: not a run folder written by \`bird train\``);
  // The run's own fitted IR is what was trained; the file must still declare that model.
  const graph = JSON.parse(readFileSync(join(run, 'ir.json'), 'utf8')) as IrGraph;
  if (!checked.models.some((m) => m.name === graph.model)) throw new UsageError(`\`${args.file}\` declares no model \`${graph.model}\`, which \`${run}\` trained`);
  const signature = args.signature === undefined ? undefined : graph.signatures.find((s) => s.name === args.signature);
  if (args.signature !== undefined && !signature) throw new UsageError(`model \`${graph.model}\` has no signature \`${args.signature}\`; it has ${graph.signatures.map((s) => `\`${s.name}\``).join(', ') || 'none'}`);
  const outputs = signature
    ? signature.outputs.map((o) => ({ name: o.alias, node: graph.outputs.find((g) => g.name === o.name)!.node }))
    : graph.outputs.map((o) => ({ name: o.name, node: o.node }));
  const { tf } = await loadTf(args.backend).catch((error: unknown) => {
    throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
  });
  const trainer = new Trainer(tf, graph, { epochs: 1, batch: args.batch ?? 1024, seed: 1, shuffle: 0 });
  const saved = readCheckpoint(checkpoint);
  trainer.restore(saved.tensors, saved.step);
  const dataset = new Dataset(graph, { kind: 'file', path: args.data, split: { kind: 'none' } }, undefined, 'features');
  const out = new AtomicWriteStream(args.out);
  let rows = 0;
  try {
    let names: string[] | undefined;
    for await (const r of trainer.predict(dataset.batches('train', args.batch ?? 1024), outputs.map((o) => o.node))) {
      const widths = r.values.map((v) => v.data.length / r.size);
      if (!names) {
        names = header(outputs.map((o) => o.name), widths);
        if (format === 'csv') await out.write(names.join(',') + '\n');
      }
      let chunk = '';
      for (let i = 0; i < r.size; i++) {
        const row = r.values.map((v, k) => Array.from(v.data.subarray(i * widths[k]!, (i + 1) * widths[k]!)));
        if (format === 'csv') chunk += row.flat().join(',') + '\n';
        else chunk += JSON.stringify(Object.fromEntries(outputs.map((o, k) => [o.name, widths[k] === 1 ? row[k]![0] : row[k]]))) + '\n';
      }
      rows += r.size;
      await out.write(chunk);
    }
    if (!names && format === 'csv') await out.write(outputs.map((o) => o.name).join(',') + '\n');
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
  if (args.json) io.stdout(JSON.stringify({ rows, out: args.out, checkpoint, outputs: outputs.map((o) => o.name) }) + '\n');
  else io.stderr(`wrote ${rows} prediction${rows === 1 ? '' : 's'} of ${outputs.map((o) => `\`${o.name}\``).join(', ')} to ${args.out} (checkpoint ${checkpoint})\n`);
  return ExitCode.ok;
}
