import type { Argv } from 'yargs';
import { common, str, type BirdCommand } from '../command.js';
import { emitKinds, type EmitKind } from '../../pipeline/emitKinds.js';

/** `bird compile --emit KIND FILE`: one compiler stage's output. */
export const compileCommand: BirdCommand = (cli) => ({
  command: 'compile <file>',
  describe: 'Print the output of one compiler stage',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'The .bird file' })
      .option('emit', {
        choices: emitKinds,
        demandOption: true,
        describe:
          'What to print: the syntax tree (`ast`, `ast-json`), the IR after its passes (`ir`, `ir-json`; `ir-unoptimized` before them), the ONNX graph of each signature, untrained (`onnx`), or the training step: forward, loss and gradients (`train-ir`, `train-onnx`)',
      })
      .option('model', { type: 'string', describe: 'Which model to compile, when the file has several' })
      .option('signature', { type: 'string', describe: 'With `--emit onnx`: which signature (all by default)' })
      .option('out', {
        type: 'string',
        describe: "With `--emit onnx`: write the one signature's ONNX model to this file instead of printing its dump",
      })
      .example('$0 compile --emit ast models/flights.bird', 'the syntax tree as text')
      .example('$0 compile --emit ir models/flights.bird', 'the optimized IR as text')
      .example('$0 compile --emit onnx models/flights.bird', 'the ONNX graph of each signature, untrained')
      .example('$0 compile --emit train-ir models/flights.bird', 'the training step with its gradients, as IR'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/compile.js')).compile(
        {
          file: a['file'] as string,
          emit: a['emit'] as EmitKind,
          ...str(a, 'model', 'model'),
          ...str(a, 'signature', 'signature'),
          ...str(a, 'out', 'out'),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
