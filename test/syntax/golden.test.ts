import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { dumpAst } from '../../src/syntax/dumpAst.js';
import { parse } from '../../src/syntax/parse.js';
import { expectGolden } from '../helpers/golden.js';

const casesDir = join(import.meta.dirname, '..', 'cases', 'syntax');
const cases = readdirSync(casesDir)
  .filter((d) => existsSync(join(casesDir, d, 'input.bird')))
  .sort();

/**
 * One folder per case: `input.bird` and either `errors.txt` (the rendered diagnostics,
 * with code frames) or `ast.txt` (the AST dump). A case with `errors.txt` must report at
 * least one diagnostic; a case with `ast.txt` must report none.
 */
describe('syntax golden cases', () => {
  test('there are cases', () => {
    expect(cases.length).toBeGreaterThan(10);
  });
  test.each(cases)('%s', (name) => {
    const dir = join(casesDir, name);
    const source = new SourceFile('input.bird', readFileSync(join(dir, 'input.bird'), 'utf8'));
    const result = parse(source);
    const expectsErrors = existsSync(join(dir, 'errors.txt')) || (!existsSync(join(dir, 'ast.txt')) && result.diagnostics.length > 0);
    if (expectsErrors) {
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expectGolden(join(dir, 'errors.txt'), renderDiagnostics(result.diagnostics));
    } else {
      expect(renderDiagnostics(result.diagnostics)).toBe('');
      expect(hasErrors(result.diagnostics)).toBe(false);
      expectGolden(join(dir, 'ast.txt'), dumpAst(result.module, source));
    }
  });
});
