import { extname } from 'node:path';
import type { Argv } from 'yargs';
import type { BackendName } from '../../pipeline/choices.js';
import { backendChoices, checkWhole, common, num, str, type Args, type BirdCommand } from '../command.js';

/** `bird predict FILE|ARTIFACT`: predictions for the rows of a data file. */
export const predictCommand: BirdCommand = (cli) => ({
  command: 'predict <file>',
  describe: 'Run a trained model (a .bird file and a run, or an exported artifact) on the rows of a data file',
  builder: (y: Argv) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'The .bird file of the trained model (with --checkpoint), or an artifact folder (runs on ONNX Runtime)',
      })
      .option('checkpoint', { type: 'string', describe: 'A run folder (its newest checkpoint) or one checkpoint folder inside it' })
      .option('data', {
        type: 'string',
        demandOption: true,
        describe: 'CSV or JSONL rows (plain or gzipped); label columns are not needed',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'Predictions file, one line per row in file order: `.csv` or `.jsonl`',
      })
      .option('signature', {
        type: 'string',
        describe: 'Write the outputs of this signature (default: every model output; for an artifact, its first signature)',
      })
      .option('batch', { type: 'number', describe: 'Rows per batch (default 1024)' })
      .option('backend', { choices: backendChoices, describe: 'TF.js backend (default: the first that starts of tensorflow, wasm, cpu)' })
      .check(
        (a: Args) =>
          a['out'] === undefined || ['.csv', '.jsonl'].includes(extname(String(a['out']))) || '`--out` must end in `.csv` or `.jsonl`',
      )
      .check(checkWhole(['batch'], 1))
      .example(
        '$0 predict models/flights.bird --checkpoint runs/DelayMlp/RUN --data new_flights.csv --out predictions.csv',
        'score new rows with the newest checkpoint of a run',
      )
      .example(
        '$0 predict artifacts/DelayMlp/1.0.0 --data new_flights.csv --out predictions.jsonl',
        'score them with an exported artifact on ONNX Runtime',
      ),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/predict.js')).predict(
        {
          file: a['file'] as string,
          ...str(a, 'checkpoint', 'checkpoint'),
          data: a['data'] as string,
          out: a['out'] as string,
          ...str(a, 'signature', 'signature'),
          ...num(a, 'batch', 'batch'),
          ...(typeof a['backend'] === 'string' ? { backend: a['backend'] as BackendName } : {}),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
