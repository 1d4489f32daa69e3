import { expect, test } from '@jest/globals';
import type { IrGraph } from '../../src/ir/ir.js';
import { tensor } from '../../src/tensor/types.js';
import { dropoutMasks, dropoutNodes } from '../../src/train/dropoutMasks.js';

const graph: IrGraph = {
  version: 1,
  model: 'T',
  features: [],
  functions: [],
  nodes: [
    { id: 0, op: 'param', type: tensor('f32', [64]), inputs: [], attrs: { name: 'w' }, loc: null, scope: '' },
    { id: 1, op: 'dropout', type: tensor('f32', ['B', 64]), inputs: [0], attrs: { rate: 0.3 }, loc: null, scope: '' },
    { id: 2, op: 'dropout', type: tensor('f32', ['B', 64]), inputs: [1], attrs: { rate: 0 }, loc: null, scope: '' },
  ],
  outputs: [],
  train: null,
  signatures: [],
};

// The masks both engines drop by: the batch's shape, values 0 or 1 / (1 - rate), a `rate`
// fraction dropped, the same for the same (seed, step) and different for another step or seed.
test('dropout masks are drawn from the seed and the step', () => {
  expect(dropoutNodes(graph)).toEqual([1]);
  const [m] = dropoutMasks(graph, [1], 500, 7, 3);
  expect(m!.shape).toEqual([500, 64]);
  const kept = 1 / 0.7;
  expect([...new Set(m!.values)].sort()).toEqual([0, Math.fround(kept)]);
  const dropped = m!.values.filter((v) => v === 0).length / m!.values.length;
  expect(Math.abs(dropped - 0.3)).toBeLessThan(0.01);
  expect(dropoutMasks(graph, [1], 500, 7, 3)[0]!.values).toEqual(m!.values);
  const differs = (a: Float32Array, b: Float32Array): number => a.filter((v, i) => v !== b[i]).length / a.length;
  expect(differs(dropoutMasks(graph, [1], 500, 7, 4)[0]!.values, m!.values)).toBeGreaterThan(0.3);
  expect(differs(dropoutMasks(graph, [1], 500, 8, 3)[0]!.values, m!.values)).toBeGreaterThan(0.3);
});
