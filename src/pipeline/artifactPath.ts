import { existsSync, statSync } from 'node:fs';

/**
 * Whether a command's file argument names an artifact folder rather than a `.bird` file:
 * a folder, or a path that does not exist and is not a `.bird` file (whose loading then
 * says what is wrong with it).
 */
export function isArtifactPath(path: string): boolean {
  return existsSync(path) ? statSync(path).isDirectory() : !path.endsWith('.bird') && path !== '-';
}
