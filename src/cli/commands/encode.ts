import type { Argv } from 'yargs';
import { common, str, type BirdCommand } from '../command.js';
import { shardFormats, type ShardFormat } from '../../pipeline/shardFormats.js';

/** `bird encode RUN --data PATH --out DIR` (or `MODEL.bird --fitted FILE`): fitted transforms applied to raw files, one encoded shard per file. */
export const encodeCommand: BirdCommand = (cli) => ({
  command: 'encode <run>',
  describe:
    "Apply a run's fitted transforms (or a model's, with statistics from bird fit) to raw data files and write encoded shards (Arrow IPC or Parquet), one per input file",
  builder: (y: Argv) =>
    y
      .positional('run', {
        type: 'string',
        demandOption: true,
        describe: 'The run folder of `bird train` (its fitted transforms), or a .bird file with --fitted',
      })
      .option('fitted', { type: 'string', describe: 'With a .bird file: the statistics `bird fit` merged, applied to its model' })
      .option('model', { type: 'string', describe: 'With a .bird file: which model (default: the first with a train section)' })
      .option('data', { type: 'string', describe: "Data file or glob to encode (default: the run's own data)" })
      .option('out', { type: 'string', demandOption: true, describe: 'Folder for the shards and encoded.json' })
      .option('part', {
        type: 'string',
        describe: 'One map task of many writing into one folder: list its shards in encoded.PART.json, not encoded.json',
      })
      .option('format', {
        choices: shardFormats,
        default: 'arrow',
        describe: 'Shard files: Arrow IPC streams (.arrows) or Parquet (.parquet)',
      })
      .example("$0 encode runs/DelayMlp/RUN --data 'lake/part-*.parquet' --out encoded", 'one encoded shard per Parquet file')
      .example("$0 encode runs/DelayMlp/RUN --data 'lake/part-*.parquet' --out encoded --format parquet", 'the shards as Parquet')
      .example(
        "$0 encode runs/DelayMlp/RUN --data 'lake/part-000*.parquet' --out encoded --part 000",
        'one map task of several writing into one folder',
      )
      .example(
        "$0 encode models/flights.bird --fitted fitted.json --data 'lake/part-*.parquet' --out encoded",
        'with merged bird fit statistics, no run',
      ),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/encode.js')).encode(
        {
          run: a['run'] as string,
          out: a['out'] as string,
          format: a['format'] as ShardFormat,
          ...str(a, 'data', 'data'),
          ...str(a, 'fitted', 'fitted'),
          ...str(a, 'model', 'model'),
          ...str(a, 'part', 'part'),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
