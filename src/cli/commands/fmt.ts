import type { Argv } from 'yargs';
import { common, type BirdCommand } from '../command.js';

/** `bird fmt FILES`: the canonical format, in place or checked. */
export const fmtCommand: BirdCommand = (cli) => ({
  command: 'fmt <files..>',
  describe: 'Rewrite .bird files in canonical format',
  builder: (y: Argv) =>
    y
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Files to format (`-` formats standard input to stdout)',
      })
      .option('check', { type: 'boolean', default: false, describe: 'Change nothing; list files that would change and exit 1 if any' })
      .example('$0 fmt models/*.bird', 'format in place')
      .example('$0 fmt --check models/*.bird', 'fail CI when a file is not formatted'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/fmt.js')).fmt({ files: a['files'] as string[], check: a['check'] === true, ...common(a) }, cli.io),
    ),
});
