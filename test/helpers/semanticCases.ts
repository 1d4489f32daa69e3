import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { primitiveTable } from '../../src/ops/registry.js';
import { checkProgram, type CheckResult } from '../../src/semantic/check.js';
import type { ModuleHost } from '../../src/semantic/moduleInfo.js';
import { fileHost } from '../../src/pipeline/checkSource.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { expectGolden } from './golden.js';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const stdlibDir = join(repoRoot, 'stdlib');

/** The CLI's own module host, rooted at `projectRoot`. */
export function hostFor(projectRoot: string): ModuleHost {
  return fileHost(join(projectRoot, 'input.bird'), projectRoot);
}

/** Checks a file with the real standard library and op registry. */
export function checkFile(path: string, projectRoot: string): CheckResult {
  return checkProgram(new SourceFile(path, readFileSync(path, 'utf8')), hostFor(projectRoot), primitiveTable);
}

/** Rendered diagnostics with machine-specific folders replaced, so goldens are portable. */
export function renderPortable(result: CheckResult, caseDir: string): string {
  return renderDiagnostics(result.diagnostics)
    .split(caseDir + sep)
    .join('')
    .split(caseDir)
    .join('.')
    .split(repoRoot)
    .join('<repo>');
}

/**
 * Runs every case folder under `test/cases/semantic/<group>/`: `input.bird` (plus any
 * files it imports) against `errors.txt`, the rendered diagnostics. A case whose golden
 * is empty must check clean; any other must report something.
 */
export function semanticCases(group: string): void {
  const dir = join(repoRoot, 'test', 'cases', 'semantic', group);
  const cases = readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'input.bird')))
    .sort();
  describe(`semantic cases: ${group}`, () => {
    test('has cases', () => expect(cases.length).toBeGreaterThan(0));
    test.each(cases)('%s', (name) => {
      const caseDir = join(dir, name);
      const result = checkFile(join(caseDir, 'input.bird'), caseDir);
      expectGolden(join(caseDir, 'errors.txt'), renderPortable(result, caseDir));
      if (name.startsWith('ok-')) expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      else expect(result.diagnostics.length).toBeGreaterThan(0);
    });
  });
}
