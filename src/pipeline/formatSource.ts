import { hasErrors } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source/sourceFile.js';
import { parse } from '../syntax/parse.js';
import { print } from '../syntax/printer.js';
import type { Result } from './result.js';

/** A file's text in canonical form, and whether that differs from what it holds. */
export interface Formatted {
  readonly text: string;
  readonly changed: boolean;
}

/** `bird fmt`'s work on one file: its canonical form, or its syntax errors (then nothing to write). */
export function formatSource(source: SourceFile): Result<Formatted> {
  const result = parse(source);
  if (hasErrors(result.diagnostics)) return { value: undefined, diagnostics: result.diagnostics };
  const text = print(result.module);
  return { value: { text, changed: text !== source.text }, diagnostics: result.diagnostics };
}
