import yargs, { type Argv } from 'yargs';
import { renderDiagnostic } from '../diagnostics/renderDiagnostic.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { check } from './commands/check.js';
import { compile, emitKinds, type EmitKind } from './commands/compile.js';
import { fmt } from './commands/fmt.js';
import { graph, graphFormats, type GraphFormat } from './commands/graph.js';
import { diff } from './commands/diff.js';
import { report } from './commands/report.js';
// train, predict, export and verify load TF.js and ONNX Runtime: they are imported when
// they run, so that `bird check`, `fmt` and `--help` start in a fraction of the time.
import type { BackendName } from '../backends/tfjs/loadTf.js';
import { ExitCode } from './exitCodes.js';
import { processIo, useColor, type Io } from './reporter.js';
import { UsageError } from './usageError.js';
import { birdVersion } from './version.js';
import { stdinPath } from './readSources.js';
import { didYouMean } from '../diagnostics/suggest.js';

function internalError(error: unknown, io: Io): number {
  const detail = error instanceof Error ? error.message : String(error);
  const d = diagnostic('internalError', { detail }, new SourceFile('<bird>', ''), { start: 0, end: 0 });
  io.stderr(renderDiagnostic(d));
  if (process.env['BIRD_DEBUG']) io.stderr(`${(error as Error).stack ?? ''}\n`);
  return ExitCode.internal;
}

interface CommonFlags {
  readonly json: boolean;
  readonly color?: boolean;
}

// yargs' inferred types do not survive `.command` builders typed as plain `Argv`; the
// global options are read back through this one narrow view.
function common(a: unknown): { json: boolean; color: boolean } {
  const flags = a as CommonFlags;
  return { json: flags.json, color: useColor(flags.color) };
}

export interface RunOptions {
  /** Stop after parsing: exit 0 for a valid command line, 2 with the usage error otherwise (the docs tests check command lines they cannot run). */
  readonly parseOnly?: boolean;
}

/**
 * Parses the command line and runs one command. Returns the exit code rather than exiting,
 * so tests can drive the CLI in-process. Usage errors exit 2 with yargs' message;
 * a thrown non-usage error is a bug and is reported as BIRD9001, never as a bare stack.
 */
const commands = ['check', 'fmt', 'compile', 'train', 'report', 'predict', 'export', 'verify', 'diff', 'graph'];

export async function runCli(argv: readonly string[], io: Io = processIo, options: RunOptions = {}): Promise<number> {
  let usageFailure: string | undefined;
  // Handlers only record what to run: yargs may report a usage error after calling one,
  // and nothing should run, or print, on an invalid command line.
  let run: (() => number) | undefined;
  let asyncRun: (() => Promise<number>) | undefined;
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !commands.includes(first)) {
    const hint = didYouMean(first, commands);
    io.stderr(`error: unknown command \`${first}\`${hint ? `; ${hint}` : ''}\n\nrun \`bird --help\` for usage\n`);
    return ExitCode.usage;
  }
  // yargs drops a lone `-`; it means standard input, so it travels under another name.
  const args = argv.map((a) => (a === '-' ? stdinPath : a));
  const parser = yargs()
    .scriptName('bird')
    .usage('$0 <command> [options]\n\nBird checks, formats, compiles, trains and exports `.bird` model descriptions.')
    .option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON on stdout' })
    .option('color', { type: 'boolean', describe: 'Color the output (default: when stderr is a terminal and NO_COLOR is unset)' })
    .command(
      'check <files..>',
      'Report every error and warning in the given .bird files',
      (y: Argv) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Files to check (`-` reads standard input)' })
          .example('$0 check models/flights.bird', 'check one model')
          .example('$0 check --json models/*.bird', 'diagnostics as JSON for an editor or CI'),
      (a) => {
        run = () => check({ files: a.files as string[], ...common(a) }, io);
      },
    )
    .command(
      'fmt <files..>',
      'Rewrite .bird files in canonical format',
      (y: Argv) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Files to format (`-` formats standard input to stdout)' })
          .option('check', { type: 'boolean', default: false, describe: 'Change nothing; list files that would change and exit 1 if any' })
          .example('$0 fmt models/*.bird', 'format in place')
          .example('$0 fmt --check models/*.bird', 'fail CI when a file is not formatted'),
      (a) => {
        run = () => fmt({ files: a.files as string[], check: a.check as boolean, ...common(a) }, io);
      },
    )
    .command(
      'compile <file>',
      'Print the output of one compiler stage',
      (y: Argv) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file' })
          .option('emit', {
            choices: emitKinds,
            demandOption: true,
            describe: 'What to print: the syntax tree (`ast`, `ast-json`), the IR after its passes (`ir`, `ir-json`; `ir-unoptimized` before them), or the ONNX graph of each signature, untrained (`onnx`)',
          })
          .option('model', { type: 'string', describe: 'Which model to compile, when the file has several' })
          .option('signature', { type: 'string', describe: 'With `--emit onnx`: which signature (all by default)' })
          .option('out', { type: 'string', describe: 'With `--emit onnx`: write the one signature\'s ONNX model to this file instead of printing its dump' })
          .example('$0 compile --emit ast models/flights.bird', 'the syntax tree as text')
          .example('$0 compile --emit ir models/flights.bird', 'the optimized IR as text')
          .example('$0 compile --emit onnx models/flights.bird', 'the ONNX graph of each signature, untrained'),
      (a) => {
        run = () =>
          compile(
            {
              file: a.file as string,
              emit: a.emit as EmitKind,
              ...(typeof a.model === 'string' ? { model: a.model } : {}),
              ...(typeof a.signature === 'string' ? { signature: a.signature } : {}),
              ...(typeof a.out === 'string' ? { out: a.out } : {}),
              ...common(a),
            },
            io,
          );
      },
    )
    .command(
      'train <file>',
      'Fit the transforms, train the model and evaluate it on the holdout',
      (y: Argv) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file' })
          .option('model', { type: 'string', describe: 'Which model, when the file has several' })
          .option('data', { type: 'string', describe: 'Data file to use instead of the train section\'s (same split rule)' })
          .option('epochs', { type: 'number', describe: 'Override the number of epochs' })
          .option('batch', { type: 'number', describe: 'Override the batch size' })
          .option('backend', { choices: ['tensorflow', 'wasm', 'cpu'], describe: 'TF.js backend (default: the first that starts of tensorflow, wasm, cpu)' })
          .option('out', { type: 'string', describe: 'Run folder (default: runs/MODEL/TIMESTAMP)' })
          .option('bad-data', { choices: ['fail', 'skip'], describe: 'On a bad row: stop with its diagnostic (default), or skip and count it (overrides `bad_data` in the train section)' })
          .option('resume', { type: 'boolean', default: false, describe: 'Continue the run in --out (or the newest under runs/MODEL) from its last checkpoint' })
          .option('threads', { type: 'number', describe: 'Cores per batch: 2 splits each batch over a second thread when that gives the same gradients (default: 2 on wasm and cpu when there are two cores)' })
          .option('checkpoint-every', { type: 'number', describe: 'Also checkpoint every N steps inside epochs (overrides `checkpoint_every`; 0: only at epoch ends)' })
          .example('$0 train models/flights.bird', 'train on the bundled sample')
          .example('$0 train models/flights.bird --data ../shared/datasets/flights_3m.csv.gz --epochs 1', 'train on the full file')
          .example('$0 train models/flights.bird --resume --out runs/DelayMlp/RUN', 'continue a stopped run from its last checkpoint'),
      (a) => {
        const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
        asyncRun = async () =>
          (await import('./commands/train.js')).train(
            {
              file: a.file as string,
              ...(typeof a.model === 'string' ? { model: a.model } : {}),
              ...(typeof a.data === 'string' ? { data: a.data } : {}),
              ...(n(a.epochs) !== undefined ? { epochs: n(a.epochs)! } : {}),
              ...(n(a.batch) !== undefined ? { batch: n(a.batch)! } : {}),
              ...(typeof a.backend === 'string' ? { backend: a.backend as BackendName } : {}),
              ...(typeof a.out === 'string' ? { out: a.out } : {}),
              resume: a.resume === true,
              ...(n(a.threads) !== undefined ? { threads: n(a.threads)! } : {}),
              ...(n(a['checkpoint-every']) !== undefined ? { checkpointEvery: n(a['checkpoint-every'])! } : {}),
              ...(a['bad-data'] === 'fail' || a['bad-data'] === 'skip' ? { badData: a['bad-data'] } : {}),
              progress: process.stderr.isTTY === true,
              ...common(a),
            },
            io,
          );
      },
    )
    .command(
      'report <run>',
      'Write a run folder\'s training report (report.html) again from its files',
      (y: Argv) =>
        y
          .positional('run', { type: 'string', demandOption: true, describe: 'The run folder of `bird train`' })
          .example('$0 report runs/DelayMlp/RUN', 'rewrite runs/DelayMlp/RUN/report.html'),
      (a) => {
        run = () => report({ run: a.run as string, ...common(a) }, io);
      },
    )
    .command(
      'predict <file>',
      'Run a trained model (a .bird file and a run, or an exported artifact) on the rows of a data file',
      (y: Argv) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file of the trained model (with --checkpoint), or an artifact folder (runs on ONNX Runtime)' })
          .option('checkpoint', { type: 'string', describe: 'A run folder (its newest checkpoint) or one checkpoint folder inside it' })
          .option('data', { type: 'string', demandOption: true, describe: 'CSV or JSONL rows (plain or gzipped); label columns are not needed' })
          .option('out', { type: 'string', demandOption: true, describe: 'Predictions file, one line per row in file order: `.csv` or `.jsonl`' })
          .option('signature', { type: 'string', describe: 'Write the outputs of this signature (default: every model output; for an artifact, its first signature)' })
          .option('batch', { type: 'number', describe: 'Rows per batch (default 1024)' })
          .option('backend', { choices: ['tensorflow', 'wasm', 'cpu'], describe: 'TF.js backend (default: the first that starts of tensorflow, wasm, cpu)' })
          .example('$0 predict models/flights.bird --checkpoint runs/DelayMlp/RUN --data new_flights.csv --out predictions.csv', 'score new rows with the newest checkpoint of a run')
          .example('$0 predict artifacts/DelayMlp/1.0.0 --data new_flights.csv --out predictions.jsonl', 'score them with an exported artifact on ONNX Runtime'),
      (a) => {
        asyncRun = async () =>
          (await import('./commands/predict.js')).predict(
            {
              file: a.file as string,
              ...(typeof a.checkpoint === 'string' ? { checkpoint: a.checkpoint } : {}),
              data: a.data as string,
              out: a.out as string,
              ...(typeof a.signature === 'string' ? { signature: a.signature } : {}),
              ...(typeof a.batch === 'number' && Number.isFinite(a.batch) ? { batch: a.batch } : {}),
              ...(typeof a.backend === 'string' ? { backend: a.backend as BackendName } : {}),
              ...common(a),
            },
            io,
          );
      },
    )
    .command(
      'export <file>',
      'Export a trained model as a versioned ONNX artifact, checked against TF.js',
      (y: Argv) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file of the trained model' })
          .option('checkpoint', { type: 'string', demandOption: true, describe: 'A run folder (its newest checkpoint) or one checkpoint folder inside it' })
          .option('out', { type: 'string', default: 'artifacts', describe: 'Artifacts folder; the artifact goes to OUT/MODEL/VERSION' })
          .option('artifact-version', { type: 'string', describe: 'The artifact version (default: the signatures\' highest version for a first export, else the smallest version above the latest that the change allows)' })
          .option('rows', { type: 'number', describe: 'Holdout rows on which ONNX Runtime must match TF.js (default 512)' })
          .option('backend', { choices: ['tensorflow', 'wasm', 'cpu'], describe: 'TF.js backend for the comparison' })
          .example('$0 export models/flights.bird --checkpoint runs/DelayMlp/RUN', 'write artifacts/DelayMlp/1.0.0')
          .example('$0 export models/flights.bird --checkpoint runs/DelayMlp/RUN --artifact-version 2.0.0', 'a new major version after a breaking change'),
      (a) => {
        asyncRun = async () =>
          (await import('./commands/export.js')).exportArtifact(
            {
              file: a.file as string,
              checkpoint: a.checkpoint as string,
              out: a.out as string,
              ...(typeof a['artifact-version'] === 'string' ? { version: a['artifact-version'] } : {}),
              ...(typeof a.rows === 'number' && Number.isFinite(a.rows) ? { rows: a.rows } : {}),
              ...(typeof a.backend === 'string' ? { backend: a.backend as BackendName } : {}),
              ...common(a),
            },
            io,
          );
      },
    )
    .command(
      'verify <artifact>',
      'Check an artifact: file hashes, golden vectors, and (with --data) ONNX Runtime against TF.js',
      (y: Argv) =>
        y
          .positional('artifact', { type: 'string', demandOption: true, describe: 'The artifact folder (OUT/MODEL/VERSION)' })
          .option('data', { type: 'string', describe: 'Also compare ONNX Runtime with TF.js on the rows of this CSV or JSONL file' })
          .option('rows', { type: 'number', describe: 'How many rows of --data to compare (default 1024)' })
          .option('backend', { choices: ['tensorflow', 'wasm', 'cpu'], describe: 'TF.js backend for the comparison' })
          .example('$0 verify artifacts/DelayMlp/1.0.0', 'hashes and golden vectors')
          .example('$0 verify artifacts/DelayMlp/1.0.0 --data new_flights.csv', 'and agreement with TF.js on new rows'),
      (a) => {
        asyncRun = async () =>
          (await import('./commands/verify.js')).verify(
            {
              artifact: a.artifact as string,
              ...(typeof a.data === 'string' ? { data: a.data } : {}),
              ...(typeof a.rows === 'number' && Number.isFinite(a.rows) ? { rows: a.rows } : {}),
              ...(typeof a.backend === 'string' ? { backend: a.backend as BackendName } : {}),
              ...common(a),
            },
            io,
          );
      },
    )
    .command(
      'diff <old> <new>',
      'Classify every change between two artifacts and the version bump it needs',
      (y: Argv) =>
        y
          .positional('old', { type: 'string', demandOption: true, describe: 'The older artifact folder' })
          .positional('new', { type: 'string', demandOption: true, describe: 'The newer artifact folder' })
          .example('$0 diff artifacts/DelayMlp/1.0.0 artifacts/DelayMlp/1.1.0', 'what changed for serving clients')
          .example('$0 diff --json artifacts/DelayMlp/1.0.0 artifacts/DelayMlp/2.0.0', 'the same for CI'),
      (a) => {
        run = () => diff({ old: a.old as string, new: a.new as string, ...common(a) }, io);
      },
    )
    .command(
      'graph <file>',
      'Draw the network of a model (a .bird file or an artifact) as SVG or Graphviz DOT',
      (y: Argv) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file (`-` reads standard input), or an artifact folder (its ir.json)' })
          .option('model', { type: 'string', describe: 'Which model of the .bird file, when it has several' })
          .option('signature', { type: 'string', describe: 'Draw only what this signature needs, from its inputs to its outputs' })
          .option('format', { choices: graphFormats, describe: 'SVG (laid out by Graphviz) or the DOT text (default: dot when --out ends in .dot or .gv, else svg)' })
          .option('out', { type: 'string', describe: 'File to write (atomically; default: stdout)' })
          .example('$0 graph models/flights.bird --out flights.svg', 'the whole model, with its loss and metrics')
          .example('$0 graph artifacts/DelayMlp/1.0.0 --signature serve --format dot', 'what a signature computes, as DOT on stdout'),
      (a) => {
        asyncRun = () =>
          graph(
            {
              file: a.file as string,
              ...(typeof a.model === 'string' ? { model: a.model } : {}),
              ...(typeof a.signature === 'string' ? { signature: a.signature } : {}),
              ...(typeof a.format === 'string' ? { format: a.format as GraphFormat } : {}),
              ...(typeof a.out === 'string' ? { out: a.out } : {}),
              ...common(a),
            },
            io,
          );
      },
    )
    .demandCommand(1, 'name a command: check, fmt, compile, train, report, predict, export, verify, diff or graph')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(birdVersion)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | null, error: Error | null) => {
      if (error && !(error instanceof UsageError)) throw error;
      usageFailure = error?.message ?? message ?? 'invalid command line';
    });
  try {
    // With a callback yargs hands over `--help` and `--version` text instead of printing it.
    let output = '';
    await parser.parseAsync(args, {}, (_error: Error | undefined, _argv: unknown, text: string) => {
      output = text;
    });
    if (output !== '' && usageFailure === undefined) io.stdout(output.endsWith('\n') ? output : output + '\n');
  } catch (error) {
    if (error instanceof UsageError) usageFailure = error.message;
    else return internalError(error, io);
  }
  if (usageFailure !== undefined) {
    io.stderr(`error: ${usageFailure}\n\nrun \`bird --help\` for usage\n`);
    return ExitCode.usage;
  }
  if ((run === undefined && asyncRun === undefined) || options.parseOnly === true) return ExitCode.ok;
  try {
    return run ? run() : await asyncRun!();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\nrun \`bird --help\` for usage\n`);
      return ExitCode.usage;
    }
    return internalError(error, io);
  }
}
