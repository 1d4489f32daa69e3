import type { Argv } from 'yargs';
import { common, str, type BirdCommand } from '../command.js';
import { shardFormats, type ShardFormat } from '../../pipeline/shardFormats.js';

/** `bird encode RUN --data PATH --out DIR`: a run's fitted transforms applied to raw files, one encoded shard per file. */
export const encodeCommand: BirdCommand = (cli) => ({
  command: 'encode <run>',
  describe: "Apply a run's fitted transforms to raw data files and write encoded shards (Arrow IPC or Parquet), one per input file",
  builder: (y: Argv) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'The run folder of `bird train` (its fitted transforms)' })
      .option('data', { type: 'string', describe: "Data file or glob to encode (default: the run's own data)" })
      .option('out', { type: 'string', demandOption: true, describe: 'Folder for the shards and encoded.json' })
      .option('format', {
        choices: shardFormats,
        default: 'arrow',
        describe: 'Shard files: Arrow IPC streams (.arrows) or Parquet (.parquet)',
      })
      .example("$0 encode runs/DelayMlp/RUN --data 'lake/part-*.parquet' --out encoded", 'one encoded shard per Parquet file')
      .example("$0 encode runs/DelayMlp/RUN --data 'lake/part-*.parquet' --out encoded --format parquet", 'the shards as Parquet'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/encode.js')).encode(
        {
          run: a['run'] as string,
          out: a['out'] as string,
          format: a['format'] as ShardFormat,
          ...str(a, 'data', 'data'),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
