import { diagnosticToJson } from '../../diagnostics/diagnosticJson.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { renderDiagnostic } from '../../diagnostics/renderDiagnostic.js';
import type { BackendName, TrainEngineName } from '../../pipeline/choices.js';
import type { ShardFormat } from '../../pipeline/shardFormats.js';
import { trainModel, type TrainProgress } from '../../pipeline/trainModel.js';
import { ExitCode } from '../exitCodes.js';
import { checkOut } from '../outPath.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface TrainArgs extends ReportOptions {
  readonly file: string;
  readonly model?: string;
  readonly data?: string;
  readonly epochs?: number;
  readonly batch?: number;
  readonly backend?: BackendName;
  readonly engine?: TrainEngineName;
  readonly out?: string;
  readonly resume: boolean;
  readonly checkpointEvery?: number;
  readonly shardFormat?: ShardFormat;
  readonly shards?: string;
  /** `--fitted FILE`: `bird fit`'s merged statistics instead of the pre-pass. */
  readonly fitted?: string;
  readonly threads?: number;
  readonly badData?: 'fail' | 'skip';
  /** A progress bar on stderr (a terminal). */
  readonly progress: boolean;
  /** Ranks per machine and machines, for `--engine torch`. */
  readonly nproc?: number;
  readonly nnodes?: number;
  /** `--set PATH=VALUE`, in order (a later one of the same path wins). */
  readonly set?: readonly string[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A progress event as `bird train` prints it on stderr: lines, or the progress bar on a terminal. */
function printProgress(event: TrainProgress, args: TrainArgs, io: Io): void {
  const log = (line: string): void => io.stderr(line + '\n');
  switch (event.kind) {
    case 'checked':
      if (!args.json && event.warnings.length > 0) reportDiagnostics(io, event.warnings, args);
      return;
    case 'fitted':
      return log(
        event.from !== undefined
          ? `fitted transforms from ${event.from} (statistics of ${event.trainRows} training rows)`
          : `fitted transforms on ${event.trainRows} training rows in ${event.seconds.toFixed(1)} s`,
      );
    case 'downsampled':
      return log(`negative downsampling kept ${event.kept} of ${event.negatives} negative training rows; predictions are corrected for it`);
    case 'resumed':
      return log(
        `resuming ${event.run} ${event.batches !== undefined ? `in epoch ${event.epoch} after ${event.batches} batches` : `after epoch ${event.epoch}`} (step ${event.step})`,
      );
    case 'started': {
      const on =
        event.engine === 'onnxruntime'
          ? `on ONNX Runtime (${plural(event.threads, 'thread')})`
          : event.engine === 'torch'
            ? `with PyTorch (the ${event.backend} backend measures it)`
            : `on the ${event.backend} backend`;
      return log(`training ${event.model} ${on}: ${plural(event.epochs, 'epoch')}, batch ${event.batch}`);
    }
    case 'step': {
      if (!args.progress || event.step % 10 !== 0) return;
      const total = event.total;
      const rate = event.examples / Math.max(event.seconds, 1e-9);
      const eta = Math.max(0, (total - event.examples) / Math.max(rate, 1e-9));
      const width = 24;
      const done = Math.round((width * event.examples) / Math.max(total, 1));
      io.stderr(
        `\r[${'#'.repeat(done)}${'.'.repeat(Math.max(0, width - done))}] ${event.examples}/${total} ${Math.round(rate)} ex/s loss ${event.loss.toFixed(4)} eta ${eta.toFixed(0)}s `,
      );
      return;
    }
    case 'epoch':
      if (args.progress) io.stderr('\r\x1b[K');
      if (!args.json)
        log(
          [
            `epoch ${event.record['epoch']}: loss ${event.record['loss']}`,
            `${event.record['examples_per_s']} ex/s`,
            ...Object.entries(event.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`),
          ].join(', '),
        );
      return;
    case 'earlyStop':
      return log(
        `early stopping: restored the weights of epoch ${event.best}, the best by \`${event.metric}\` (the run's last epoch is ${event.lastEpoch})`,
      );
    case 'tested':
      return log(
        ['test part (scored once, after training)', ...Object.entries(event.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`)].join(', '),
      );
    case 'skipped':
      return log(`skipped ${plural(event.count, 'bad row')} of the ${event.part} part; the first:\n${renderDiagnostic(event.first)}`);
    case 'threads':
      return log(
        event.parallel
          ? 'trained on 2 threads (each computing half of every batch)'
          : "trained on 1 thread: half-batch gradients did not add up to the whole batch's (sample weights)",
      );
    case 'engine':
      return log(event.line);
    case 'prepared':
      return log(`multi-node: ${event.script} holds the torchrun command`);
    case 'written':
      return log(`run written to ${event.run}`);
    case 'checkpoint':
      return;
  }
}

/**
 * `bird train FILE`: trains a model of the file (`trainModel`) and prints its progress on
 * stderr; with `--json`, one document on stdout at the end (the run folder, the model,
 * each epoch's record and the file's warnings).
 */
export async function train(args: TrainArgs, io: Io): Promise<number> {
  if (args.out !== undefined) checkOut(args.out, 'folder');
  // The warnings reported before training are not reported again with a later refusal.
  let shown: readonly Diagnostic[] = [];
  const result = await trainModel(
    {
      file: args.file,
      ...(args.model !== undefined ? { model: args.model } : {}),
      ...(args.data !== undefined ? { data: args.data } : {}),
      ...(args.epochs !== undefined ? { epochs: args.epochs } : {}),
      ...(args.batch !== undefined ? { batch: args.batch } : {}),
      ...(args.backend !== undefined ? { backend: args.backend } : {}),
      ...(args.engine !== undefined ? { engine: args.engine } : {}),
      ...(args.out !== undefined ? { out: args.out } : {}),
      resume: args.resume,
      ...(args.checkpointEvery !== undefined ? { checkpointEvery: args.checkpointEvery } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
      ...(args.badData !== undefined ? { badData: args.badData } : {}),
      ...(args.nproc !== undefined ? { nproc: args.nproc } : {}),
      ...(args.nnodes !== undefined ? { nnodes: args.nnodes } : {}),
      ...(args.shardFormat !== undefined ? { shardFormat: args.shardFormat } : {}),
      ...(args.shards !== undefined ? { shards: args.shards } : {}),
      ...(args.fitted !== undefined ? { fitted: args.fitted } : {}),
      ...(args.set !== undefined ? { set: args.set } : {}),
    },
    (event) => {
      if (event.kind === 'checked') shown = event.warnings;
      printProgress(event, args, io);
    },
  );
  const trained = result.value;
  if (!trained) {
    reportDiagnostics(
      io,
      result.diagnostics.filter((d) => !shown.includes(d)),
      args,
    );
    return ExitCode.diagnostics;
  }
  if (args.json)
    io.stdout(
      JSON.stringify({
        run: trained.run,
        model: trained.model,
        epochs: trained.epochs,
        diagnostics: result.diagnostics.map(diagnosticToJson),
      }) + '\n',
    );
  return ExitCode.ok;
}
