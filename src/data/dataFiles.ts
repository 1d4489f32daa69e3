import { isAbsolute } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { DataError } from './dataError.js';

/**
 * The files a data path names: itself, or, when it holds a glob (`events/part-*.parquet`,
 * `days/2001-0[1-6]/*.csv.gz`), every file it matches, sorted by path in code-point order.
 * The order is what makes reading many files one stable stream: row indices, and so
 * `holdout(every: ...)` splits, shuffles and resumes, are the same on every machine.
 */
export async function dataFiles(path: string): Promise<string[]> {
  if (!isDynamicPattern(path)) return [path];
  // An absolute pattern gives absolute paths, a relative one paths relative to the working folder, as written.
  const matched = await glob(path, { onlyFiles: true, absolute: isAbsolute(path), expandDirectories: false, dot: false });
  if (matched.length === 0) {
    throw new DataError(
      diagnostic('dataUnreadable', { path, reason: 'no file matches the pattern' }, new SourceFile(path, ''), { start: 0, end: 0 }),
    );
  }
  return matched.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
