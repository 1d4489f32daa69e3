/**
 * Found by `npm run fuzz` (seed 5): an unknown name inside `for i in 0..100000` built one
 * diagnostic, spelling suggestions included, per iteration before duplicates were dropped,
 * and `bird check` took over 2 s. A name reference found unknown is now reported once.
 */
import { expect, test } from '@jest/globals';
import { join } from 'node:path';
import { primitiveTable } from '../../src/ops/registry.js';
import { elaborateModel } from '../../src/semantic/elaborateModel.js';
import { loadModules } from '../../src/semantic/loadModules.js';
import type * as A from '../../src/syntax/ast.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { hostFor, repoRoot } from '../helpers/semanticCases.js';

const text = `bird 1

import std.nn { dense }

features F {
  x : continuous
}

model M(f: F) {
  n = 0
  for i in 0..1000 {
    n = n + cuont(i)
  }
  out p = sigmoid(dense(f.x, 1))
}
`;

test('an unknown name in a 1,000-iteration loop is reported once by elaboration', () => {
  const path = join(repoRoot, 'test', 'fixtures', 'unknown-in-loop.bird');
  const program = loadModules(new SourceFile(path, text), hostFor(join(path, '..')));
  expect(program.diagnostics).toEqual([]);
  const decl = program.entry.ast.items.find((item) => item.kind === 'ModelDecl') as A.ModelDecl;
  const { diagnostics } = elaborateModel(decl, program.entry, primitiveTable);
  const unknown = diagnostics.filter((d) => d.code === 'BIRD2001');
  expect(unknown).toHaveLength(1);
  expect(unknown[0]!.message).toBe('cannot find `cuont` in this scope');
  expect(unknown[0]!.primary.span.start).toBe(text.indexOf('cuont'));
});

test('a mistake met in every iteration of nested loops is recorded once, not once per iteration', () => {
  // Found by `npm run fuzz` (seed 5): 41 nested loops around a repeated `out` made so many
  // copies before the work budget stopped them that passing them on overflowed the stack.
  const loops = 12;
  const nested = `bird 1\n\nfeatures F {\n  x : continuous\n}\n\nmodel M(f: F) {\n${'for i in 0..2 {\n'.repeat(loops)}  out q = sigmoid(f.x)\n${'}\n'.repeat(loops)}}\n`;
  const path = join(repoRoot, 'test', 'fixtures', 'nested-out.bird');
  const program = loadModules(new SourceFile(path, nested), hostFor(join(path, '..')));
  expect(program.diagnostics).toEqual([]);
  const decl = program.entry.ast.items.find((item) => item.kind === 'ModelDecl') as A.ModelDecl;
  const { diagnostics } = elaborateModel(decl, program.entry, primitiveTable);
  expect(diagnostics.map((d) => d.code)).toEqual(['BIRD3015']);
});
