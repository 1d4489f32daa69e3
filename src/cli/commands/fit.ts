import type { Argv } from 'yargs';
import { common, str, type Args, type BirdCommand } from '../command.js';

/** `bird fit FILE --data PATH --out PART` or `bird fit FILE --merge PARTS --out FITTED`: the fitting pre-pass as a map and a reduce. */
export const fitCommand: BirdCommand = (cli) => ({
  command: 'fit <file>',
  describe: "Count the fitted transforms' statistics over data files (one shard's), or merge such parts, for `bird train --fitted`",
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file' })
      .option('model', { type: 'string', describe: 'Which model, when the file has several' })
      .option('data', {
        type: 'string',
        describe: 'Data file or glob whose rows are all counted, as training rows (no split is applied: hand it training files)',
      })
      .option('merge', { type: 'string', describe: 'Parts `bird fit --data` wrote (a glob), merged into one file' })
      .option('fitted', {
        type: 'string',
        describe: 'With --data: the merged statistics of the earlier passes, for a pipeline with a fitted transform after another',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'The statistics file to write (JSON)' })
      .check((a: Args) =>
        (a['data'] === undefined) !== (a['merge'] === undefined)
          ? true
          : 'give `--data` (files to count) or `--merge` (parts to merge), one of them',
      )
      .check(
        (a: Args) =>
          a['fitted'] === undefined ||
          a['data'] !== undefined ||
          '`--fitted` goes with `--data`: a merge takes the earlier passes from its parts',
      )
      .example("$0 fit lake.bird --data 'lake/train/day-01*.csv.gz' --out parts/01.json", "one map task: a shard's statistics")
      .example("$0 fit lake.bird --merge 'parts/*.json' --out fitted.json", 'the reduce: every part merged')
      .example('$0 train lake.bird --fitted fitted.json', 'train without the pre-pass'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/fit.js')).fit(
        {
          file: a['file'] as string,
          out: a['out'] as string,
          ...str(a, 'model', 'model'),
          ...str(a, 'data', 'data'),
          ...str(a, 'merge', 'merge'),
          ...str(a, 'fitted', 'fitted'),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
