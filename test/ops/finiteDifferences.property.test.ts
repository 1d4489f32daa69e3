import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { buildTrainStep } from '../../src/ir/autodiff.js';
import { evaluateGraph } from '../../src/ir/evaluateGraph.js';
import { verifyIr } from '../../src/ir/verify.js';
import { gradientKind } from '../../src/ops/opSchema.js';
import { opRegistry } from '../../src/ops/registry.js';
import { ndarray, type NdArray } from '../../src/ops/reference/ndarray.js';
import { randomParams } from '../helpers/irGraph.js';
import { gradientCases, notDifferentiated, type OpCase } from './opCases.js';

const h = 1e-6;

/**
 * The training step's gradients (each op's VJP, written as IR by the autodiff pass) run
 * in float64 by the reference evaluator, against central differences of the step's own
 * float64 loss, `(L(w + h) - L(w - h)) / 2h` per element of every parameter: within
 * 1e-5 relative to the larger of the two (plus 1e-7 absolute for gradients near 0).
 * Parameters are drawn from N(0, 1), so no input sits within h of a kink of relu, abs,
 * clip, max or min but with probability ~1e-6.
 */
function expectGradientsMatchDifferences({ graph, feeds }: OpCase, seed: number): void {
  const step = buildTrainStep(graph);
  expect(verifyIr(step.graph, { inlined: true })).toEqual([]);
  const params = randomParams(step.graph, seed);
  const values = evaluateGraph(step.graph, feeds, params);
  const lossAt = (name: string, k: number, delta: number): number => {
    const p = params.get(name)!;
    const moved = ndarray('f32', p.shape, p.data);
    moved.data[k] = p.data[k]! + delta;
    const at = new Map(params).set(name, moved);
    return (evaluateGraph(step.graph, feeds, at, { roots: [step.loss] }).get(step.loss) as NdArray).data[0]!;
  };
  expect(step.gradients.length).toBeGreaterThan(0);
  for (const g of step.gradients) {
    const ours = values.get(g.node) as NdArray;
    const p = params.get(g.name)!;
    expect(ours.shape).toEqual(p.shape);
    const worst = { k: -1, ours: 0, differences: 0, excess: 0 };
    for (let k = 0; k < p.data.length; k++) {
      const differences = (lossAt(g.name, k, h) - lossAt(g.name, k, -h)) / (2 * h);
      const error = Math.abs(ours.data[k]! - differences);
      const excess = error - (1e-5 * Math.max(Math.abs(differences), Math.abs(ours.data[k]!)) + 1e-7);
      if (excess > worst.excess) Object.assign(worst, { k, ours: ours.data[k]!, differences, excess });
    }
    expect({ gradient: g.name, worst: worst.k < 0 ? 'within tolerance' : worst }).toEqual({ gradient: g.name, worst: 'within tolerance' });
  }
}

describe("each op's IR gradient against central finite differences in float64, over random shapes", () => {
  test.each(Object.keys(gradientCases))('%s', (op) => {
    fc.assert(
      fc.property(gradientCases[op]!, fc.integer({ min: 1, max: 1_000_000 }), (c, seed) => expectGradientsMatchDifferences(c, seed)),
      { numRuns: 10, seed: 12 },
    );
  });

  test('every op with a VJP has a case, or a reason it has none', () => {
    const dense = [...opRegistry.values()].filter((op) => gradientKind(op) === 'dense').map((op) => op.name);
    expect(dense.filter((op) => !(op in gradientCases) && !(op in notDifferentiated))).toEqual([]);
  });
});
