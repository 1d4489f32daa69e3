import type { Argv } from 'yargs';
import { valid } from 'semver';
import type { BackendName } from '../../pipeline/choices.js';
import { backendChoices, checkWhole, common, num, str, type Args, type BirdCommand } from '../command.js';

/** `bird export FILE --checkpoint RUN`: the trained model as a versioned ONNX artifact. */
export const exportCommand: BirdCommand = (cli) => ({
  command: 'export <file>',
  describe: 'Export a trained model as a versioned ONNX artifact, checked against TF.js',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file of the trained model' })
      .option('checkpoint', {
        type: 'string',
        demandOption: true,
        describe: 'A run folder (its newest checkpoint) or one checkpoint folder inside it',
      })
      .option('out', { type: 'string', default: 'artifacts', describe: 'Artifacts folder; the artifact goes to OUT/MODEL/VERSION' })
      .option('artifact-version', {
        type: 'string',
        describe:
          "The artifact version (default: the signatures' highest version for a first export, else the smallest version above the latest that the change allows)",
      })
      .option('rows', { type: 'number', describe: 'Holdout rows on which ONNX Runtime must match TF.js (default 512)' })
      .option('backend', { choices: backendChoices, describe: 'TF.js backend for the comparison' })
      .check((a: Args) => {
        const v = a['artifact-version'];
        return v === undefined || valid(String(v)) === v || `\`--artifact-version ${String(v)}\` is not a semantic version such as 1.2.0`;
      })
      .check(checkWhole(['rows'], 1))
      .example('$0 export models/flights.bird --checkpoint runs/DelayMlp/RUN', 'write artifacts/DelayMlp/1.0.0')
      .example(
        '$0 export models/flights.bird --checkpoint runs/DelayMlp/RUN --artifact-version 2.0.0',
        'a new major version after a breaking change',
      ),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/export.js')).exportArtifact(
        {
          file: a['file'] as string,
          checkpoint: a['checkpoint'] as string,
          out: a['out'] as string,
          ...str(a, 'artifact-version', 'version'),
          ...num(a, 'rows', 'rows'),
          ...(typeof a['backend'] === 'string' ? { backend: a['backend'] as BackendName } : {}),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
