import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../pipeline/usageError.js';

/**
 * Every `--out` behaves the same way: missing folders on the way to it are created when
 * the output is written (the writers make them), and an `--out` that cannot be written is
 * a usage error before any work is done: a file where a folder is needed on the way, or,
 * for an output `file`, an existing folder at the path itself (and for a `folder`, an
 * existing file).
 */
export function checkOut(path: string, kind: 'file' | 'folder'): void {
  if (existsSync(path)) {
    const isDir = statSync(path).isDirectory();
    if (kind === 'file' && isDir) throw new UsageError(`cannot write \`${path}\`: it is a folder`);
    if (kind === 'folder' && !isDir) throw new UsageError(`cannot write into \`${path}\`: it is a file, not a folder`);
    return;
  }
  // The nearest part of the path that exists must be a folder to create the rest in.
  let parent = dirname(path);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new UsageError(`cannot write \`${path}\`: \`${parent}\` is a file, not a folder`);
}
