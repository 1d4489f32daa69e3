import type { Argv } from 'yargs';
import type { BackendName } from '../../pipeline/choices.js';
import { backendChoices, checkWhole, common, num, str, type BirdCommand } from '../command.js';

/** `bird verify ARTIFACT`: hashes, golden vectors, and optionally ONNX Runtime against TF.js. */
export const verifyCommand: BirdCommand = (cli) => ({
  command: 'verify <artifact>',
  describe: 'Check an artifact: file hashes, golden vectors, and (with --data) ONNX Runtime against TF.js',
  builder: (y: Argv) =>
    y
      .positional('artifact', { type: 'string', demandOption: true, describe: 'The artifact folder (OUT/MODEL/VERSION)' })
      .option('data', { type: 'string', describe: 'Also compare ONNX Runtime with TF.js on the rows of this CSV or JSONL file' })
      .option('rows', { type: 'number', describe: 'How many rows of --data to compare (default 1024)' })
      .option('backend', { choices: backendChoices, describe: 'TF.js backend for the comparison' })
      .check(checkWhole(['rows'], 1))
      .example('$0 verify artifacts/DelayMlp/1.0.0', 'hashes and golden vectors')
      .example('$0 verify artifacts/DelayMlp/1.0.0 --data new_flights.csv', 'and agreement with TF.js on new rows'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/verify.js')).verify(
        {
          artifact: a['artifact'] as string,
          ...str(a, 'data', 'data'),
          ...num(a, 'rows', 'rows'),
          ...(typeof a['backend'] === 'string' ? { backend: a['backend'] as BackendName } : {}),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
