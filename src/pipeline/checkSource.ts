import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { primitiveTable } from '../ops/registry.js';
import { checkProgram, type CheckResult } from '../semantic/check.js';
import type { ModuleHost } from '../semantic/moduleInfo.js';
import { packageRoot } from '../source/packageRoot.js';
import type { SourceFile } from '../source/sourceFile.js';

/** Reads modules from disk: the standard library from the installed package, relative imports under the project root. */
export function fileHost(entryPath: string, projectRoot?: string): ModuleHost {
  const cwd = process.cwd();
  const inside = !relative(cwd, resolve(entryPath)).startsWith('..');
  return {
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    stdlibDir: join(packageRoot(), 'stdlib'),
    // The working folder, or the entry file's folder when the entry lies outside it.
    projectRoot: projectRoot ?? (inside ? cwd : dirname(resolve(entryPath))),
    isPrimitive: (name) => primitiveTable.get(name) !== undefined,
  };
}

/** Syntax, names, types and shapes of one file and its imports. */
export function checkSource(source: SourceFile): CheckResult {
  return checkProgram(source, fileHost(source.path), primitiveTable);
}
