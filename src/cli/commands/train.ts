import type { Argv } from 'yargs';
import type { BackendName } from '../../pipeline/choices.js';
import { shardFormats, type ShardFormat } from '../../pipeline/shardFormats.js';
import { trainEngines, type TrainEngineName } from '../../pipeline/choices.js';
import { backendChoices, checkWhole, common, num, str, type Args, type BirdCommand } from '../command.js';

/** `bird train FILE`: fit the transforms, train, evaluate, write the run folder. */
export const trainCommand: BirdCommand = (cli) => ({
  command: 'train <file>',
  describe: 'Fit the transforms, train the model and evaluate it on the holdout',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file' })
      .option('model', { type: 'string', describe: 'Which model, when the file has several' })
      .option('data', { type: 'string', describe: "Data file to use instead of the train section's (same split rule)" })
      .option('epochs', { type: 'number', describe: 'Override the number of epochs' })
      .option('batch', { type: 'number', describe: 'Override the batch size' })
      .option('backend', { choices: backendChoices, describe: 'TF.js backend (default: the first that starts of tensorflow, wasm, cpu)' })
      .option('engine', {
        choices: trainEngines,
        describe:
          "Training engine (overrides `engine` in the train section; default: onnxruntime for a model it can train, else tfjs; a resumed run keeps its own): onnxruntime (the IR's own gradients run by ONNX Runtime), tfjs or torch",
      })
      .option('set', {
        type: 'string',
        array: true,
        requiresArg: true,
        describe:
          'PATH=VALUE: write VALUE (Bird source) into the file before checking it: a train setting (`epochs=8`), a constructor argument (`optimizer.lr=3e-3`, `data.split.fraction=0.1`) or a model parameter (`model.widths=[64,32]`); repeatable, recorded in config.json',
      })
      .option('out', { type: 'string', describe: 'Run folder (default: runs/MODEL/TIMESTAMP)' })
      .option('bad-data', {
        choices: ['fail', 'skip'],
        describe: 'On a bad row: stop with its diagnostic (default), or skip and count it (overrides `bad_data` in the train section)',
      })
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: 'Continue the run in --out (or the newest under runs/MODEL) from its last checkpoint',
      })
      .option('threads', {
        type: 'number',
        describe:
          'Cores per batch: 2 splits each batch over a second thread when that gives the same gradients (default: 2 on wasm and cpu when there are two cores); with onnxruntime, its threads (default: every core)',
      })
      .option('checkpoint-every', {
        type: 'number',
        describe: 'Also checkpoint every N steps inside epochs (overrides `checkpoint_every`; 0: only at epoch ends)',
      })
      .check(checkWhole(['epochs', 'batch'], 1))
      .check((a: Args) => a['threads'] === undefined || a['threads'] === 1 || a['threads'] === 2 || '`--threads` must be 1 or 2')
      .option('nproc', {
        type: 'number',
        describe: 'With the torch engine: ranks (processes) on this machine, DDP over gloo on CPUs, NCCL on GPUs (default 1)',
      })
      .option('nnodes', {
        type: 'number',
        describe:
          'With the torch engine: machines; above 1, the run folder gets the script, shards and a torchrun command to start on each (default 1)',
      })
      .option('shard-format', {
        choices: shardFormats,
        describe:
          'With the torch engine: the training shards the ranks read, Arrow IPC (default; numpy reads them) or Parquet (written by DuckDB, as by `bird encode`; read with pyarrow)',
      })
      .option('shards', {
        type: 'string',
        describe:
          'With the torch engine: train from the shards `bird encode` wrote in this folder (encoded with the fitted transforms this run fits, holding exactly its training rows) instead of writing its own',
      })
      .option('fitted', {
        type: 'string',
        describe:
          'Skip the fitting pre-pass: take the statistics `bird fit` counted per shard and merged into this file (complete, and of this model)',
      })
      .check(checkWhole(['checkpoint-every'], 0, 'a whole number of steps (0: only at epoch ends)'))
      .check(checkWhole(['nproc', 'nnodes'], 1))
      .example('$0 train models/flights.bird', 'train on the bundled sample')
      .example('$0 train models/flights.bird --data ../shared/datasets/flights_3m.csv.gz --epochs 1', 'train on the full file')
      .example(
        '$0 train models/flights.bird --set epochs=3 --set optimizer.lr=3e-3 --set model.widths=[64,32]',
        'a sweep point without editing the file',
      )
      .example('$0 train models/flights.bird --resume --out runs/DelayMlp/RUN', 'continue a stopped run from its last checkpoint'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/train.js')).train(
        {
          file: a['file'] as string,
          ...str(a, 'model', 'model'),
          ...str(a, 'data', 'data'),
          ...num(a, 'epochs', 'epochs'),
          ...num(a, 'batch', 'batch'),
          ...(typeof a['backend'] === 'string' ? { backend: a['backend'] as BackendName } : {}),
          ...(typeof a['engine'] === 'string' ? { engine: a['engine'] as TrainEngineName } : {}),
          ...str(a, 'out', 'out'),
          ...(Array.isArray(a['set']) ? { set: (a['set'] as unknown[]).map(String) } : {}),
          resume: a['resume'] === true,
          ...num(a, 'threads', 'threads'),
          ...num(a, 'checkpoint-every', 'checkpointEvery'),
          ...num(a, 'nproc', 'nproc'),
          ...num(a, 'nnodes', 'nnodes'),
          ...str(a, 'shards', 'shards'),
          ...str(a, 'fitted', 'fitted'),
          ...(typeof a['shard-format'] === 'string' ? { shardFormat: a['shard-format'] as ShardFormat } : {}),
          ...(a['bad-data'] === 'fail' || a['bad-data'] === 'skip' ? { badData: a['bad-data'] } : {}),
          progress: process.stderr.isTTY === true,
          ...common(a),
        },
        cli.io,
      ),
    ),
});
