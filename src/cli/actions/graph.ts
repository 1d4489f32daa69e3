import type { GraphFormat } from '../graphFormats.js';
import { loadArtifact } from '../../artifact/loadArtifact.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { compileModel } from '../../ir/compileModel.js';
import { graphDot, type GraphDotOptions } from '../../ir/graphDot.js';
import type { IrGraph } from '../../ir/ir.js';
import { writeFileAtomic } from '../../source/writeFileAtomic.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
import { isArtifactPath } from '../../pipeline/artifactPath.js';
import { checkSource } from '../../pipeline/checkSource.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../../pipeline/readSources.js';
import { selectModel, selectSignatures } from '../../pipeline/selectModel.js';
import { renderSvg } from '../../pipeline/renderSvg.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

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

/** The IR of the model a `.bird` file declares, compiled as `bird compile --emit ir` does; diagnostics when it has errors. */
function fileGraph(args: GraphArgs): { graph?: IrGraph; setNames?: GraphDotOptions['setNames']; diagnostics: readonly Diagnostic[] } {
  const [source] = readSources([args.file]);
  const checked = checkSource(source!);
  if (hasErrors(checked.diagnostics)) return { diagnostics: checked.diagnostics };
  const selected = selectModel(source!, checked.models, args.model, 'only');
  const model = selected.value;
  if (!model) return { diagnostics: [...checked.diagnostics, ...selected.diagnostics] };
  const signature = selectSignatures(model, args.signature);
  if (!signature.value) return { diagnostics: [...checked.diagnostics, ...signature.diagnostics] };
  const compiled = compileModel(model);
  const diagnostics = [...checked.diagnostics, ...compiled.diagnostics];
  const setNames = { feature: model.features.name, ...(model.labels ? { label: model.labels.name } : {}) };
  return hasErrors(diagnostics) ? { diagnostics } : { graph: compiled.graph, setNames, diagnostics };
}

/**
 * `bird graph FILE|ARTIFACT [--format svg|dot] [--out PATH]`: draws the network of a
 * model, from a `.bird` file or from an artifact's `ir.json` (hashes checked), as
 * Graphviz DOT or as SVG laid out by Graphviz in WebAssembly.
 */
export async function graph(args: GraphArgs, io: Io): Promise<number> {
  if (args.out !== undefined) checkOut(args.out, 'file');
  const format: GraphFormat = args.format ?? (args.out !== undefined && /\.(dot|gv)$/.test(args.out) ? 'dot' : 'svg');
  let ir: IrGraph;
  let title: string;
  let setNames: GraphDotOptions['setNames'];
  if (isArtifactPath(args.file)) {
    if (args.model !== undefined) throw new UsageError('`--model` chooses a model of a .bird file; an artifact holds one model');
    try {
      const artifact = loadArtifact(args.file);
      ir = artifact.ir;
      title = `${artifact.manifest.name} ${artifact.manifest.version}`;
    } catch (error) {
      reportDiagnostics(io, [artifactDiagnostic(error, args.file, '')], args);
      return ExitCode.diagnostics;
    }
  } else {
    const compiled = fileGraph(args);
    if (!compiled.graph) {
      reportDiagnostics(io, compiled.diagnostics, args);
      return ExitCode.diagnostics;
    }
    reportDiagnostics(io, compiled.diagnostics, { ...args, json: false });
    ir = compiled.graph;
    title = ir.model;
    setNames = compiled.setNames;
  }
  const signature = args.signature === undefined ? undefined : ir.signatures.find((s) => s.name === args.signature);
  if (args.signature !== undefined && !signature)
    throw new UsageError(
      `model \`${ir.model}\` has no signature \`${args.signature}\`; it has ${ir.signatures.map((s) => `\`${s.name}\``).join(', ') || 'none'}`,
    );
  const dot = graphDot(ir, {
    title: signature ? `${title}: signature ${signature.name} @ ${signature.version}` : title,
    ...(signature ? { signature } : {}),
    ...(setNames ? { setNames } : {}),
  });
  const text = format === 'dot' ? dot : await renderSvg(dot);
  if (args.out === undefined) {
    io.stdout(
      args.json ? JSON.stringify({ out: null, model: ir.model, format, signature: signature?.name ?? null, graph: text }) + '\n' : text,
    );
    return ExitCode.ok;
  }
  try {
    writeFileAtomic(args.out, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write \`${args.out}\`: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  if (args.json) io.stdout(JSON.stringify({ out: args.out, model: ir.model, format, signature: signature?.name ?? null }) + '\n');
  else io.stderr(`wrote the graph of ${title}${signature ? ` (signature \`${signature.name}\`)` : ''} to ${args.out}\n`);
  return ExitCode.ok;
}
