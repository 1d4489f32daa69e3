import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { compileModel } from '../../src/ir/compileModel.js';
import { printIr } from '../../src/ir/printIr.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { checkFile } from '../helpers/semanticCases.js';

/** The IR of a model whose MLP uses `activation`, without source locations. */
function ir(activation: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bird-act-'));
  writeFileSync(
    join(dir, 'm.bird'),
    `bird 1\n\nimport std.nn { mlp, tower, dense }\n\nfeatures F {\n  x : embedding(dim: 4)\n}\n\n` +
      `block swish(x: f32[B, D]) -> f32[B, D] {\n  return x * sigmoid(x)\n}\n\n` +
      `model M(f: F) {\n  out p = sigmoid(tower(mlp(f.x, [8, 4], activation: ${activation}), [4], activation: ${activation}))\n}\n`,
  );
  const result = checkFile(join(dir, 'm.bird'), dir);
  expect(renderDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'))).toBe('');
  return printIr(compileModel(result.models[0]!).graph).replace(/ # .*$/gm, '');
}

describe('activations passed as values', () => {
  test('an op passed as a value builds what its name builds', () => {
    expect(ir('relu')).toBe(ir('"relu"'));
    expect(ir('tanh')).toBe(ir('"tanh"'));
  });

  test('a block of the model file is an activation', () => {
    const swish = ir('swish');
    // swish(x) = x * sigmoid(x) after each of the three hidden layers, and the head's sigmoid.
    expect(swish.match(/= sigmoid\(/g)).toHaveLength(4);
    expect(swish).not.toMatch(/= relu\(/);
  });
});
