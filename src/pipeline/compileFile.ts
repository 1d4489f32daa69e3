import { exportSignatures } from '../backends/onnx/exportSignatures.js';
import { printOnnx } from '../backends/onnx/printOnnx.js';
import { untrainedGraph } from '../backends/onnx/untrainedGraph.js';
import { lowerTrainStep } from '../backends/onnx/trainStepOnnx.js';
import { OnnxExportError } from '../backends/onnx/onnxExportError.js';
import { diagnostic, hasErrors, note, type Diagnostic } from '../diagnostics/diagnostic.js';
import { AutodiffError, buildTrainStep } from '../ir/autodiff.js';
import { compileModel } from '../ir/compileModel.js';
import type { IrGraph } from '../ir/ir.js';
import { lower } from '../ir/lower.js';
import { printIr } from '../ir/printIr.js';
import type { CheckedModel } from '../semantic/checkedModel.js';
import type { SourceFile } from '../source/sourceFile.js';
import { writeFileAtomic } from '../source/writeFileAtomic.js';
import { astToJson, dumpAst } from '../syntax/dumpAst.js';
import { parse } from '../syntax/parse.js';
import { artifactDiagnostic } from './artifactDiagnostic.js';
import { checkSource } from './checkSource.js';
import type { EmitKind } from './emitKinds.js';
import { readSources } from './readSources.js';
import { failed, type Result } from './result.js';
import { requireSignature, requireTrainSection, selectModel, selectOneSignature, selectSignatures } from './selectModel.js';
import { UsageError } from './usageError.js';

export interface CompileOptions {
  readonly emit: EmitKind;
  /** Which model, when the file has several; all of them otherwise. */
  readonly model?: string;
  /** `onnx`: which signature; all of them otherwise. */
  readonly signature?: string;
  /** `onnx`: write the one signature's binary model to this file instead of returning its dump. */
  readonly out?: string;
}

/** The ONNX model `out` received. */
export interface WrittenOnnx {
  readonly path: string;
  readonly model: string;
  readonly signature: string;
  readonly bytes: number;
}

export interface CompiledFile {
  /** The stage's output as `bird compile` prints it (empty when `written`). */
  readonly output: string;
  readonly written?: WrittenOnnx;
}

/** What `onnx` says in every model it emits: these are not trained numbers. */
export const untrainedNote = 'zero weights and placeholder statistics (bird compile --emit onnx); bird export writes the trained model';

/**
 * `onnx`: the ONNX model of each signature (or `signature`), lowered as `bird export`
 * lowers it but from the IR without data or training (see `untrainedGraph`): their text
 * dumps, or with `out` the one signature's model written to that file.
 */
function emitOnnx(
  graph: IrGraph,
  options: CompileOptions,
  only: readonly string[],
  file: string,
  source: SourceFile,
): CompiledFile[] | Diagnostic {
  const untrained = untrainedGraph(graph);
  let signatures;
  try {
    signatures = exportSignatures(untrained.graph, untrained.weights, { only, metadata: { 'bird.untrained': untrainedNote } });
  } catch (error) {
    return artifactDiagnostic(error, file, graph.model, source);
  }
  if (options.out === undefined) return signatures.map((s) => ({ output: printOnnx(s.onnx) }));
  const [one] = signatures;
  writeFileAtomic(options.out, one!.onnx);
  return [{ output: '', written: { path: options.out, model: graph.model, signature: one!.name, bytes: one!.onnx.length } }];
}

/**
 * `train-ir` / `train-onnx`: the model's training step (`ir/autodiff.ts`) as IR text, or
 * lowered to ONNX as the `onnxruntime` engine runs it (its text dump); `BIRD5015` at the
 * loss when the model cannot be differentiated.
 */
function emitTrainStep(model: CheckedModel, graph: IrGraph, emit: 'train-ir' | 'train-onnx'): string | Diagnostic {
  const loss = model.train!.loss!.origin ?? model.train!.origin;
  try {
    const step = buildTrainStep(graph);
    return emit === 'train-ir' ? printIr(step.graph) : printOnnx(lowerTrainStep(step).bytes);
  } catch (error) {
    if (!(error instanceof AutodiffError) && !(error instanceof OnnxExportError)) throw error;
    const at = error instanceof AutodiffError ? error.node?.loc : error.loc;
    return diagnostic('notDifferentiable', { model: model.name, reason: error.message }, loss.source, loss.span, {
      label: 'the loss',
      ...(at ? { notes: [note('atIrNode', { location: at })] } : {}),
    });
  }
}

/** The `.bird` file's syntax tree, as text or JSON, with its syntax warnings. */
function emitAst(source: SourceFile, emit: 'ast' | 'ast-json'): Result<CompiledFile> {
  const result = parse(source);
  if (hasErrors(result.diagnostics)) return failed(result.diagnostics);
  const output = emit === 'ast' ? dumpAst(result.module, source) : JSON.stringify(astToJson(result.module), null, 2) + '\n';
  return { value: { output }, diagnostics: result.diagnostics };
}

/** One model's output for `emit`, or the diagnostic that stopped it; `diagnostics` gathers its compiler's. */
function emitModel(
  model: CheckedModel,
  options: CompileOptions,
  file: string,
  source: SourceFile,
  diagnostics: Diagnostic[],
): CompiledFile[] | Diagnostic {
  const { emit } = options;
  if (emit === 'ir-unoptimized') return [{ output: printIr(lower(model)) }];
  const compiled = compileModel(model);
  diagnostics.push(...compiled.diagnostics);
  if (emit === 'train-ir' || emit === 'train-onnx') {
    if (hasErrors(compiled.diagnostics)) return [];
    const emitted = requireTrainSection(model, 'emit as a training step') ?? emitTrainStep(model, compiled.graph, emit);
    return typeof emitted === 'string' ? [{ output: emitted }] : emitted;
  }
  if (emit !== 'onnx') return [{ output: emit === 'ir' ? printIr(compiled.graph) : JSON.stringify(compiled.graph, null, 2) + '\n' }];
  if (hasErrors(compiled.diagnostics)) return [];
  const noSignature = requireSignature(model, 'emit as ONNX');
  if (noSignature) return noSignature;
  // `out` writes one model: the signature named, or the model's only one (BIRD3026 when it has several).
  let only: string[];
  if (options.out === undefined) {
    const chosen = selectSignatures(model, options.signature);
    if (!chosen.value) return chosen.diagnostics[0]!;
    only = options.signature === undefined ? compiled.graph.signatures.map((s) => s.name) : [options.signature];
  } else {
    const chosen = selectOneSignature(model, options.signature);
    if (!chosen.value) return chosen.diagnostics[0]!;
    only = [chosen.value.name];
  }
  return emitOnnx(compiled.graph, options, only, file, source);
}

/**
 * `bird compile --emit KIND FILE`: one compiler stage's output for a `.bird` file (`-`
 * for standard input): its syntax tree, its IR before or after the passes, its untrained
 * ONNX graphs, or its training step; for every model of the file unless one is named (or
 * `out` writes one). An unreadable file, and `signature` or `out` without `onnx`, are
 * `UsageError`s.
 */
export function compileFile(path: string, options: CompileOptions): Result<CompiledFile> {
  const [source] = readSources([path]);
  if (options.emit === 'ast' || options.emit === 'ast-json') return emitAst(source!, options.emit);
  const checked = checkSource(source!);
  const diagnostics: Diagnostic[] = [...checked.diagnostics];
  if (hasErrors(diagnostics)) return failed(diagnostics);
  // One model when named (or when `out` writes one), else every model of the file.
  const selected =
    options.model !== undefined || checked.models.length === 0 || (options.emit === 'onnx' && options.out !== undefined)
      ? selectModel(source!, checked.models, options.model, 'only')
      : { value: undefined, diagnostics: [] };
  if (selected.diagnostics.length > 0) return failed(selected.diagnostics, diagnostics);
  const models = selected.value ? [selected.value] : checked.models;
  if (options.emit !== 'onnx' && (options.signature !== undefined || options.out !== undefined))
    throw new UsageError(`\`${options.signature !== undefined ? '--signature' : '--out'}\` goes with \`--emit onnx\``);
  const outputs: CompiledFile[] = [];
  for (const model of models) {
    const emitted = emitModel(model, options, path, source!, diagnostics);
    if (Array.isArray(emitted)) outputs.push(...emitted);
    else diagnostics.push(emitted);
  }
  if (hasErrors(diagnostics)) return failed(diagnostics);
  const written = outputs.find((o) => o.written)?.written;
  return {
    value: { output: outputs.map((o) => o.output).join(options.emit === 'ir-json' ? '' : '\n'), ...(written ? { written } : {}) },
    diagnostics,
  };
}
