import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { opReference } from '../../src/ops/opReference.js';
import { opRegistry, primitiveTable } from '../../src/ops/registry.js';
import { tensor } from '../../src/tensor/types.js';
import { expectGolden } from '../helpers/golden.js';

const root = join(import.meta.dirname, '..', '..');

describe('op registry', () => {
  test('docs/ops.md lists every op (`npm run grammar` regenerates it)', () => {
    expectGolden(join(root, 'docs', 'ops.md'), opReference());
  });

  test('internal ops cannot be called by name', () => {
    for (const name of ['input', 'arg', 'call', 'const']) {
      expect(opRegistry.has(name)).toBe(true);
      expect(primitiveTable.get(name)).toBeUndefined();
    }
  });

  test('every op documents itself and names its parameters uniquely', () => {
    for (const op of opRegistry.values()) {
      expect(op.doc.length).toBeGreaterThan(4);
      expect(new Set(op.params.map((p) => p.name)).size).toBe(op.params.length);
    }
  });

  test('broadcasting and matmul rules type their results', () => {
    const add = opRegistry.get('add')!;
    expect(add.infer({ operands: { a: tensor('f32', ['B', 4]), b: tensor('f32', [4]) }, attrs: {} })).toEqual({
      ok: true,
      type: tensor('f32', ['B', 4]),
    });
    expect(add.infer({ operands: { a: tensor('f32', ['B', 4]), b: tensor('f32', [3]) }, attrs: {} })).toMatchObject({
      ok: false,
      category: 'shape',
    });
    const matmul = opRegistry.get('matmul')!;
    expect(matmul.infer({ operands: { a: tensor('f32', ['B', 'T', 8]), b: tensor('f32', [8, 2]) }, attrs: {} })).toEqual({
      ok: true,
      type: tensor('f32', ['B', 'T', 2]),
    });
    expect(matmul.infer({ operands: { a: tensor('f32', ['B', 8]), b: tensor('f32', [7, 2]) }, attrs: {} })).toMatchObject({
      ok: false,
      message: 'inner dimensions differ: `8` and `7`',
    });
  });

  test('ids carry their vocabulary through hashing and into one_hot', () => {
    const hashed = opRegistry.get('hash_bucket')!.infer({ operands: { x: tensor('string', ['B']) }, attrs: { bits: 5 } });
    expect(hashed).toEqual({ ok: true, type: tensor('i32', ['B'], 32) });
    const oneHot = opRegistry.get('one_hot')!.infer({ operands: { ids: tensor('i32', ['B'], 32) }, attrs: { depth: null } });
    expect(oneHot).toEqual({ ok: true, type: tensor('f32', ['B', 32]), attrs: { depth: 32 } });
  });
});
