import { readFileSync } from 'node:fs';
import { SourceFile } from '../source/sourceFile.js';
import { UsageError } from './usageError.js';

/** Stands for standard input (written `-` on the command line). */
export const stdinPath = '/dev/stdin';

/** Reads each path (or standard input for `-`) into a SourceFile; an unreadable path is a usage error. */
export function readSources(paths: readonly string[]): SourceFile[] {
  return paths.map((path) => {
    try {
      const stdin = path === '-' || path === stdinPath;
      return new SourceFile(stdin ? '<stdin>' : path, readFileSync(stdin ? 0 : path, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String((error as Error).message);
      throw new UsageError(`cannot read \`${path}\`: ${reason}`);
    }
  });
}
