import { diagnostic, note, type Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import type { TorchFailed } from '../train/torch/trainTorch.js';

/**
 * BIRD7036 for a PyTorch rank that exited with an error, at the run folder (no code
 * frame: what failed is the run, not a line of the model file), with the last lines of
 * the rank's standard error as a note.
 */
export function torchFailedDiagnostic(error: TorchFailed, run: string): Diagnostic {
  // Indented under the note, so the rank's lines read as a quotation.
  const stderr = error.stderr
    .trim()
    .split('\n')
    .slice(-15)
    .map((line) => `    ${line}`)
    .join('\n');
  return diagnostic(
    'torchRankFailed',
    { rank: String(error.rank), code: String(error.code) },
    new SourceFile(run, ''),
    { start: 0, end: 0 },
    {
      notes: [note('rankStderr', { stderr })],
    },
  );
}
