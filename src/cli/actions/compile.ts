import type { EmitKind } from '../emitKinds.js';
import { exportSignatures } from '../../backends/onnx/exportSignatures.js';
import { printOnnx } from '../../backends/onnx/printOnnx.js';
import { untrainedGraph } from '../../backends/onnx/untrainedGraph.js';
import { diagnostic, hasErrors, note, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { AutodiffError, buildTrainStep } from '../../ir/autodiff.js';
import { lowerTrainStep } from '../../backends/onnx/trainStepOnnx.js';
import { OnnxExportError } from '../../backends/onnx/onnxExportError.js';
import type { CheckedModel } from '../../semantic/checkedModel.js';
import { compileModel } from '../../ir/compileModel.js';
import { lower } from '../../ir/lower.js';
import type { IrGraph } from '../../ir/ir.js';
import type { SourceFile } from '../../source/sourceFile.js';
import { printIr } from '../../ir/printIr.js';
import { writeFileAtomic } from '../../source/writeFileAtomic.js';
import { astToJson, dumpAst } from '../../syntax/dumpAst.js';
import { parse } from '../../syntax/parse.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
import { checkSource } from '../../pipeline/checkSource.js';
import { requireSignature, requireTrainSection, selectModel, selectSignatures } from '../../pipeline/selectModel.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../../pipeline/readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface CompileArgs extends ReportOptions {
  readonly file: string;
  readonly emit: EmitKind;
  /** Which model, when the file has several; all of them otherwise. */
  readonly model?: string;
  /** `--emit onnx`: which signature; all of them otherwise. */
  readonly signature?: string;
  /** `--emit onnx`: write the one signature's binary model here instead of printing its dump. */
  readonly out?: string;
}

/** What `--emit onnx` says in every model it emits: these are not trained numbers. */
export const untrainedNote = 'zero weights and placeholder statistics (bird compile --emit onnx); bird export writes the trained model';

/**
 * `--emit onnx`: the ONNX model of each signature (or `--signature`), lowered as `bird
 * export` lowers it but from the IR without data or training (see `untrainedGraph`):
 * their text dumps, or with `--out` the one signature's model written to that file.
 */
function emitOnnx(graph: IrGraph, args: CompileArgs, io: Io, source: SourceFile): string[] | Diagnostic {
  const names = graph.signatures.map((s) => `\`${s.name}\``).join(', ');
  const only = args.signature === undefined ? graph.signatures.map((s) => s.name) : [args.signature];
  if (args.out !== undefined && only.length > 1)
    throw new UsageError(
      `\`--out\` writes one model, and model \`${graph.model}\` has ${only.length} signatures (${names}); choose one with \`--signature\``,
    );
  const untrained = untrainedGraph(graph);
  let signatures;
  try {
    signatures = exportSignatures(untrained.graph, untrained.weights, { only, metadata: { 'bird.untrained': untrainedNote } });
  } catch (error) {
    return artifactDiagnostic(error, args.file, graph.model, source);
  }
  if (args.out === undefined) return signatures.map((s) => printOnnx(s.onnx));
  writeFileAtomic(args.out, signatures[0]!.onnx);
  io.stderr(
    `wrote ${args.out} (signature \`${signatures[0]!.name}\` of model \`${graph.model}\`, ${signatures[0]!.onnx.length} bytes, ${untrainedNote})\n`,
  );
  return [];
}

/**
 * `--emit train-ir` / `train-onnx`: the model's training step (`ir/autodiff.ts`) as IR text,
 * or lowered to ONNX as the `onnxruntime` engine runs it (its text dump); `BIRD5015` at the
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

/** `bird compile --emit KIND FILE`: prints one stage's output for FILE on stdout. */
export function compile(args: CompileArgs, io: Io): number {
  if (args.out !== undefined) checkOut(args.out, 'file');
  const [source] = readSources([args.file]);
  if (args.emit === 'ast' || args.emit === 'ast-json') {
    const result = parse(source!);
    if (hasErrors(result.diagnostics)) {
      reportDiagnostics(io, result.diagnostics, args);
      return ExitCode.diagnostics;
    }
    const text = args.emit === 'ast' ? dumpAst(result.module, source!) : JSON.stringify(astToJson(result.module), null, 2) + '\n';
    return printed(io, args, text, result.diagnostics);
  }
  const checked = checkSource(source!);
  const diagnostics: Diagnostic[] = [...checked.diagnostics];
  if (hasErrors(diagnostics)) {
    reportDiagnostics(io, diagnostics, args);
    return ExitCode.diagnostics;
  }
  // One model when named (or when `--out` writes one), else every model of the file.
  const selected =
    args.model !== undefined || checked.models.length === 0 || (args.emit === 'onnx' && args.out !== undefined)
      ? selectModel(source!, checked.models, args.model, 'only')
      : { value: undefined, diagnostics: [] };
  if (selected.diagnostics.length > 0) {
    reportDiagnostics(io, [...diagnostics, ...selected.diagnostics], args);
    return ExitCode.diagnostics;
  }
  const models = selected.value ? [selected.value] : checked.models;
  if (args.emit !== 'onnx' && (args.signature !== undefined || args.out !== undefined))
    throw new UsageError(`\`${args.signature !== undefined ? '--signature' : '--out'}\` goes with \`--emit onnx\``);
  const outputs: string[] = [];
  for (const model of models) {
    if (args.emit === 'ir-unoptimized') {
      outputs.push(printIr(lower(model)));
      continue;
    }
    const compiled = compileModel(model);
    diagnostics.push(...compiled.diagnostics);
    if (args.emit === 'train-ir' || args.emit === 'train-onnx') {
      if (hasErrors(compiled.diagnostics)) continue;
      const noTrain = requireTrainSection(model, 'emit as a training step');
      const emitted = noTrain ?? emitTrainStep(model, compiled.graph, args.emit);
      if (typeof emitted === 'string') outputs.push(emitted);
      else diagnostics.push(emitted);
    } else if (args.emit !== 'onnx')
      outputs.push(args.emit === 'ir' ? printIr(compiled.graph) : JSON.stringify(compiled.graph, null, 2) + '\n');
    else if (!hasErrors(compiled.diagnostics)) {
      const refused = requireSignature(model, 'emit as ONNX') ?? selectSignatures(model, args.signature).diagnostics[0];
      const emitted = refused ?? emitOnnx(compiled.graph, args, io, source!);
      if (Array.isArray(emitted)) outputs.push(...emitted);
      else diagnostics.push(emitted);
    }
  }
  if (hasErrors(diagnostics)) {
    reportDiagnostics(io, diagnostics, args);
    return ExitCode.diagnostics;
  }
  return printed(io, args, outputs.join(args.emit === 'ir-json' ? '' : '\n'), diagnostics);
}

/**
 * The requested output on stdout and any warnings as code frames on stderr; with `--json`,
 * one document holding both: `emit`, `output` (the same text) and `diagnostics`.
 */
function printed(io: Io, args: CompileArgs, output: string, warnings: readonly Diagnostic[]): number {
  if (args.json) reportDiagnostics(io, warnings, args, { emit: args.emit, output });
  else {
    reportDiagnostics(io, warnings, args);
    io.stdout(output);
  }
  return ExitCode.ok;
}
