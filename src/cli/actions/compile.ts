import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { compileFile, untrainedNote } from '../../pipeline/compileFile.js';
import type { EmitKind } from '../../pipeline/emitKinds.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

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

/** `bird compile --emit KIND FILE`: prints one stage's output for FILE on stdout. */
export function compile(args: CompileArgs, io: Io): number {
  if (args.out !== undefined) checkOut(args.out, 'file');
  const result = compileFile(args.file, {
    emit: args.emit,
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(args.signature !== undefined ? { signature: args.signature } : {}),
    ...(args.out !== undefined ? { out: args.out } : {}),
  });
  if (!result.value) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const written = result.value.written;
  if (written)
    io.stderr(
      `wrote ${written.path} (signature \`${written.signature}\` of model \`${written.model}\`, ${written.bytes} bytes, ${untrainedNote})\n`,
    );
  return printed(io, args, result.value.output, result.diagnostics);
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
