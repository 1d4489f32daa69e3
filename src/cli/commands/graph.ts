import type { Argv } from 'yargs';
import { common, str, type BirdCommand } from '../command.js';
import { graphFormats, type GraphFormat } from '../../pipeline/graphFormats.js';

/** `bird graph FILE|ARTIFACT`: the network as SVG or DOT. */
export const graphCommand: BirdCommand = (cli) => ({
  command: 'graph <file>',
  describe: 'Draw the network of a model (a .bird file or an artifact) as SVG or Graphviz DOT',
  builder: (y: Argv) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'The .bird file (`-` reads standard input), or an artifact folder (its ir.json)',
      })
      .option('model', { type: 'string', describe: 'Which model of the .bird file, when it has several' })
      .option('signature', { type: 'string', describe: 'Draw only what this signature needs, from its inputs to its outputs' })
      .option('format', {
        choices: graphFormats,
        describe: 'SVG (laid out by Graphviz) or the DOT text (default: dot when --out ends in .dot or .gv, else svg)',
      })
      .option('out', { type: 'string', describe: 'File to write (atomically; default: stdout)' })
      .example('$0 graph models/flights.bird --out flights.svg', 'the whole model, with its loss and metrics')
      .example('$0 graph artifacts/DelayMlp/1.0.0 --signature serve --format dot', 'what a signature computes, as DOT on stdout'),
  handler: (a) =>
    cli.later(async () =>
      (await import('../actions/graph.js')).graph(
        {
          file: a['file'] as string,
          ...str(a, 'model', 'model'),
          ...str(a, 'signature', 'signature'),
          ...(typeof a['format'] === 'string' ? { format: a['format'] as GraphFormat } : {}),
          ...str(a, 'out', 'out'),
          ...common(a),
        },
        cli.io,
      ),
    ),
});
