import { graphFile } from '../../pipeline/graphFile.js';
import type { GraphFormat } from '../../pipeline/graphFormats.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface GraphArgs extends ReportOptions {
  /** A `.bird` file, or an artifact folder. */
  readonly file: string;
  /** Which model of a `.bird` file, when it has several. */
  readonly model?: string;
  /** Draw only what this signature needs. */
  readonly signature?: string;
  /** Default: `dot` when `--out` ends in `.dot` or `.gv`, else `svg`. */
  readonly format?: GraphFormat;
  /** Where to write; stdout when absent. */
  readonly out?: string;
}

/**
 * `bird graph FILE|ARTIFACT [--format svg|dot] [--out PATH]`: draws the network of a
 * model, from a `.bird` file or from an artifact's `ir.json` (hashes checked), as
 * Graphviz DOT or as SVG laid out by Graphviz in WebAssembly.
 */
export async function graph(args: GraphArgs, io: Io): Promise<number> {
  if (args.out !== undefined) checkOut(args.out, 'file');
  const result = await graphFile(args.file, {
    format: args.format ?? (args.out !== undefined && /\.(dot|gv)$/.test(args.out) ? 'dot' : 'svg'),
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(args.signature !== undefined ? { signature: args.signature } : {}),
    ...(args.out !== undefined ? { out: args.out } : {}),
  });
  const drawn = result.value;
  if (!drawn) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  // Warnings go to stderr as code frames even with --json: stdout holds the one document.
  reportDiagnostics(io, result.diagnostics, { ...args, json: false });
  const fields = { model: drawn.model, format: drawn.format, signature: drawn.signature };
  if (drawn.out === null) io.stdout(args.json ? JSON.stringify({ out: null, ...fields, graph: drawn.text }) + '\n' : drawn.text);
  else if (args.json) io.stdout(JSON.stringify({ out: drawn.out, ...fields }) + '\n');
  else
    io.stderr(
      `wrote the graph of ${drawn.title}${drawn.signature !== null ? ` (signature \`${drawn.signature}\`)` : ''} to ${drawn.out}\n`,
    );
  return ExitCode.ok;
}
