import { hasErrors } from '../diagnostics/diagnostic.js';
import type { CheckedModel } from '../semantic/checkedModel.js';
import type { SourceFile } from '../source/sourceFile.js';
import { checkSource } from './checkSource.js';
import { readSources } from './readSources.js';
import type { Result } from './result.js';

export interface CheckedFile {
  readonly source: SourceFile;
  readonly models: readonly CheckedModel[];
}

/**
 * Reads a `.bird` file (`-` for standard input) and checks it with its imports: its models
 * when it has no errors, and every diagnostic (warnings too) either way. An unreadable
 * path is a `UsageError`.
 */
export function checkFile(path: string): Result<CheckedFile> {
  const [source] = readSources([path]);
  const checked = checkSource(source!);
  return {
    value: hasErrors(checked.diagnostics) ? undefined : { source: source!, models: checked.models },
    diagnostics: checked.diagnostics,
  };
}
