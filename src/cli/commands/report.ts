import type { Argv } from 'yargs';
import { common, type BirdCommand } from '../command.js';

/** `bird report RUN`: the training report of a run folder, written again. */
export const reportCommand: BirdCommand = (cli) => ({
  command: 'report <run>',
  describe: "Write a run folder's training report (report.html) again from its files",
  builder: (y: Argv) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'The run folder of `bird train`' })
      .example('$0 report runs/DelayMlp/RUN', 'rewrite runs/DelayMlp/RUN/report.html'),
  handler: (a) => cli.later(async () => (await import('../actions/report.js')).report({ run: a['run'] as string, ...common(a) }, cli.io)),
});
