import type { Argv } from 'yargs';
import { common, type BirdCommand } from '../command.js';

/** `bird diff OLD NEW`: every change between two artifacts and the bump it needs. */
export const diffCommand: BirdCommand = (cli) => ({
  command: 'diff <old> <new>',
  describe: 'Classify every change between two artifacts and the version bump it needs',
  builder: (y: Argv) =>
    y
      .positional('old', { type: 'string', demandOption: true, describe: 'The older artifact folder' })
      .positional('new', { type: 'string', demandOption: true, describe: 'The newer artifact folder' })
      .example('$0 diff artifacts/DelayMlp/1.0.0 artifacts/DelayMlp/1.1.0', 'what changed for serving clients')
      .example('$0 diff --json artifacts/DelayMlp/1.0.0 artifacts/DelayMlp/2.0.0', 'the same for CI'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/diff.js')).diff({ old: a['old'] as string, new: a['new'] as string, ...common(a) }, cli.io),
    ),
});
