import type { Argv } from 'yargs';
import { common, type BirdCommand } from '../command.js';

/** `bird check FILES`: every diagnostic of every file. */
export const checkCommand: BirdCommand = (cli) => ({
  command: 'check <files..>',
  describe: 'Report every error and warning in the given .bird files',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Files to check (`-` reads standard input)' })
      .option('fix', {
        type: 'boolean',
        default: false,
        describe: 'Apply the machine-applicable suggestions to the files (each rewritten atomically), then report what remains',
      })
      .example('$0 check models/flights.bird', 'check one model')
      .example('$0 check --json models/*.bird', 'diagnostics as JSON for an editor or CI')
      .example('$0 check --fix models/flights.bird', 'apply the suggested fixes (a close name for a misspelt one, ...)'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/check.js')).check({ files: a['files'] as string[], fix: a['fix'] === true, ...common(a) }, cli.io),
    ),
});
