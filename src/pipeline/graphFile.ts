import { loadArtifact } from '../artifact/loadArtifact.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { compileModel } from '../ir/compileModel.js';
import { graphDot, type GraphDotOptions } from '../ir/graphDot.js';
import type { IrGraph } from '../ir/ir.js';
import { writeFileAtomic } from '../source/writeFileAtomic.js';
import { artifactDiagnostic } from './artifactDiagnostic.js';
import { isArtifactPath } from './artifactPath.js';
import { checkSource } from './checkSource.js';
import type { GraphFormat } from './graphFormats.js';
import { readSources } from './readSources.js';
import { failed, type Result } from './result.js';
import { renderSvg } from './renderSvg.js';
import { selectModel, selectSignatures } from './selectModel.js';
import { UsageError } from './usageError.js';

export interface GraphOptions {
  readonly format: GraphFormat;
  /** Which model of a `.bird` file, when it has several. */
  readonly model?: string;
  /** Draw only what this signature needs. */
  readonly signature?: string;
  /** Write the drawing here (atomically) instead of returning it only. */
  readonly out?: string;
}

export interface DrawnGraph {
  readonly model: string;
  /** The drawing's title: the model's name, with the artifact's version for an artifact. */
  readonly title: string;
  readonly format: GraphFormat;
  readonly signature: string | null;
  /** The DOT or SVG text. */
  readonly text: string;
  /** Where it was written, or null. */
  readonly out: string | null;
}

interface ModelGraph {
  readonly ir: IrGraph;
  readonly title: string;
  readonly setNames?: GraphDotOptions['setNames'];
}

/** The IR of the model a `.bird` file declares, compiled as `bird compile --emit ir` does, with its warnings. */
function fileGraph(path: string, options: GraphOptions): Result<ModelGraph> {
  const [source] = readSources([path]);
  const checked = checkSource(source!);
  if (hasErrors(checked.diagnostics)) return failed(checked.diagnostics);
  const selected = selectModel(source!, checked.models, options.model, 'only');
  const model = selected.value;
  if (!model) return failed(selected.diagnostics, checked.diagnostics);
  const signature = selectSignatures(model, options.signature);
  if (!signature.value) return failed(signature.diagnostics, checked.diagnostics);
  const compiled = compileModel(model);
  const diagnostics: Diagnostic[] = [...checked.diagnostics, ...compiled.diagnostics];
  if (hasErrors(diagnostics)) return failed(diagnostics);
  const setNames = { feature: model.features.name, ...(model.labels ? { label: model.labels.name } : {}) };
  return { value: { ir: compiled.graph, title: compiled.graph.model, setNames }, diagnostics };
}

/** An artifact's `ir.json` (hashes checked), titled with its name and version. */
function artifactGraph(path: string, options: GraphOptions): Result<ModelGraph> {
  if (options.model !== undefined) throw new UsageError('`--model` chooses a model of a .bird file; an artifact holds one model');
  try {
    const artifact = loadArtifact(path);
    return { value: { ir: artifact.ir, title: `${artifact.manifest.name} ${artifact.manifest.version}` }, diagnostics: [] };
  } catch (error) {
    return failed([artifactDiagnostic(error, path, '')]);
  }
}

/**
 * `bird graph FILE|ARTIFACT`: the network of a model, from a `.bird` file (`-` for
 * standard input) or from an artifact's `ir.json`, as Graphviz DOT or as SVG laid out by
 * Graphviz in WebAssembly; with `signature`, only what it needs. `model` for an artifact,
 * a signature an artifact lacks and an `out` that cannot be written are `UsageError`s.
 */
export async function graphFile(path: string, options: GraphOptions): Promise<Result<DrawnGraph>> {
  const drawn = isArtifactPath(path) ? artifactGraph(path, options) : fileGraph(path, options);
  if (!drawn.value) return drawn as Result<never>;
  const { ir, title, setNames } = drawn.value;
  const signature = options.signature === undefined ? undefined : ir.signatures.find((s) => s.name === options.signature);
  if (options.signature !== undefined && !signature)
    throw new UsageError(
      `model \`${ir.model}\` has no signature \`${options.signature}\`; it has ${ir.signatures.map((s) => `\`${s.name}\``).join(', ') || 'none'}`,
    );
  const dot = graphDot(ir, {
    title: signature ? `${title}: signature ${signature.name} @ ${signature.version}` : title,
    ...(signature ? { signature } : {}),
    ...(setNames ? { setNames } : {}),
  });
  const text = options.format === 'dot' ? dot : await renderSvg(dot);
  if (options.out !== undefined) {
    try {
      writeFileAtomic(options.out, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot write \`${options.out}\`: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
    }
  }
  return {
    value: { model: ir.model, title, format: options.format, signature: signature?.name ?? null, text, out: options.out ?? null },
    diagnostics: drawn.diagnostics,
  };
}
