import { ArtifactError } from '../artifact/artifactError.js';
import { artifactErrorDiagnostic } from '../artifact/artifactErrorDiagnostic.js';
import { OnnxExportError } from '../backends/onnx/onnxExportError.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';

/** Where an IR node's `loc` (`file:line:col`) lies in the model's source, underlining the word there. */
function spanOf(loc: string | null, source: SourceFile | undefined): Span | undefined {
  const m = loc === null ? null : /^(.*):(\d+):(\d+)$/.exec(loc);
  if (!m || !source || m[1] !== source.path) return undefined;
  const start = source.lineStart(Number(m[2])) + Number(m[3]) - 1;
  let end = start;
  while (end < source.text.length && /[\w.]/.test(source.text[end]!)) end++;
  return { start, end: Math.max(end, start + 1) };
}

/**
 * A refusal of the export or artifact stages as a diagnostic. An op that cannot be
 * exported points at the model's source where the IR says it came from; artifact
 * problems name the artifact file at fault (or the folder), without a code frame since
 * that file is not text the user wrote. Anything else is rethrown for the internal-error
 * handler.
 */
export function artifactDiagnostic(error: unknown, where: string, model: string, source?: SourceFile): Diagnostic {
  if (error instanceof ArtifactError) return artifactErrorDiagnostic(error, where);
  if (error instanceof OnnxExportError) {
    const at = spanOf(error.loc, source);
    const reason = at ? error.message.replace(/ \(at [^)]*\)$/, '') : error.message;
    return at
      ? diagnostic('exportUnsupported', { model, reason }, source!, at, {
          label: `\`${error.op ?? 'this'}\` is reached by an exported output`,
        })
      : diagnostic('exportUnsupported', { model, reason }, new SourceFile(where, ''), { start: 0, end: 0 });
  }
  throw error;
}
