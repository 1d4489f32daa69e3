import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { lower } from '../../src/ir/lower.js';
import { parseIr } from '../../src/ir/parseIr.js';
import { printIr } from '../../src/ir/printIr.js';
import { verifyIr } from '../../src/ir/verify.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { expectGolden } from '../helpers/golden.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

/** Every bundled model, and the case that uses every standard-library block. */
const programs = [
  ...readdirSync(join(repoRoot, 'models'))
    .filter((f) => f.endsWith('.bird'))
    .map((f) => ({
      name: f.replace(/\.bird$/, ''),
      path: join(repoRoot, 'models', f),
      golden: join(repoRoot, 'test', 'cases', 'ir', 'models', f.replace(/\.bird$/, '.ir.txt')),
    })),
  {
    name: 'stdlib-tour',
    path: join(repoRoot, 'test', 'cases', 'ir', 'stdlib-tour', 'input.bird'),
    golden: join(repoRoot, 'test', 'cases', 'ir', 'stdlib-tour', 'ir.txt'),
  },
];

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'ir.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function compiled(path: string): { before: IrGraph[]; after: IrGraph[] } {
  // Paths in locations are relative to the repository, as when bird runs there.
  const cwd = process.cwd();
  process.chdir(repoRoot);
  try {
    const result = checkFile(path.slice(repoRoot.length + 1), repoRoot);
    expect(renderDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'))).toBe('');
    const after = result.models.map((m) => {
      const c = compileModel(m);
      expect(renderDiagnostics(c.diagnostics)).toBe('');
      return c.graph;
    });
    return { before: result.models.map(lower), after };
  } finally {
    process.chdir(cwd);
  }
}

describe.each(programs)('IR of $name', ({ path, golden }) => {
  const { before, after } = compiled(path);

  test('matches its golden dump', () => {
    expectGolden(golden, after.map(printIr).join('\n'));
  });

  test('passes the verifier before and after the passes', () => {
    for (const g of before) expect(verifyIr(g)).toEqual([]);
    for (const g of after) expect(verifyIr(g, { inlined: true })).toEqual([]);
  });

  test('text and JSON forms round-trip', () => {
    for (const g of [...before, ...after]) {
      expect(parseIr(printIr(g))).toEqual(g);
      expect(JSON.parse(JSON.stringify(g))).toEqual(g);
      expect(printIr(parseIr(printIr(g)))).toBe(printIr(g));
    }
  });

  test('validates against docs/ir.schema.json', () => {
    for (const g of [...before, ...after]) {
      const ok = validate(JSON.parse(JSON.stringify(g)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  test('is flat after inlining: no calls, parameter names unique', () => {
    for (const g of after) {
      expect(g.functions).toEqual([]);
      expect(g.nodes.filter((n) => n.op === 'call')).toEqual([]);
      const names = g.nodes.filter((n) => n.op === 'param').map((n) => n.attrs['name']);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
