import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../src/backends/tfjs/program.js';
import { applyTransform, type TransformStep } from '../../src/data/applyTransform.js';
import { evaluateGraph } from '../../src/ir/evaluateGraph.js';
import { opNames } from '../../src/ops/opNames.js';
import { opRegistry } from '../../src/ops/registry.js';
import { ndarray, type NdArray } from '../../src/ops/reference/ndarray.js';
import { referenceOps } from '../../src/ops/reference/referenceOps.js';
import { Graph, randomParams } from '../helpers/irGraph.js';
import { forwardCases, gradientCases, type OpCase } from './opCases.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf('cpu')).tf;
});
afterAll(() => tf.disposeVariables());

/**
 * The reference's values of a case's outputs (and loss) against TF.js's forward pass of
 * the same graph with the same parameters (drawn in float32) and inputs: every element
 * within 1e-5 of the largest of its tensor (plus 1e-5), float32's rounding.
 */
function expectForwardMatches({ graph, feeds }: OpCase, seed: number): void {
  const params = randomParams(graph, seed);
  const roots = [...graph.outputs.map((o) => o.node), ...(graph.train ? [graph.train.loss!] : [])];
  const reference = evaluateGraph(graph, feeds, params, { roots });
  const program = new TfProgram(tf, graph, seed);
  try {
    for (const [id, variable] of program.variables) {
      const p = params.get(String(graph.nodes[id]!.attrs['name']))!;
      variable.assign(tf.tensor(Float32Array.from(p.data), p.shape as number[]));
    }
    const overrides = new Map<number, tfTypes.Tensor>();
    for (const n of graph.nodes) {
      const v = n.op === 'input' ? feeds.get(String(n.attrs['name'])) : undefined;
      if (v) overrides.set(n.id, tf.tensor(Array.from(v.data), v.shape as number[], v.dtype === 'f32' ? 'float32' : 'int32'));
    }
    const engine = tf.tidy(() => {
      const values = program.forward({ size: 0, columns: new Map() }, roots, { overrides });
      return roots.map((r) => Array.from(values.get(r)!.dataSync() as ArrayLike<number>));
    });
    overrides.forEach((t) => t.dispose());
    roots.forEach((r, i) => {
      const want = reference.get(r) as NdArray;
      const got = engine[i]!;
      const scale = want.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      const worst = got.reduce((m, x, k) => Math.max(m, Math.abs(x - want.data[k]!)), 0);
      const op = graph.nodes[r]!.op;
      expect({ op, length: got.length, ok: worst <= 1e-5 * scale + 1e-5 ? true : { worst, scale } }).toEqual({
        op,
        length: want.data.length,
        ok: true,
      });
    });
  } finally {
    program.dispose();
  }
}

describe("the reference evaluator's forward values against TF.js's, over random shapes", () => {
  const cases = { ...gradientCases, ...forwardCases };
  test.each(Object.keys(cases))('%s', (name) => {
    fc.assert(
      fc.property(cases[name]!, fc.integer({ min: 1, max: 1_000_000 }), (c, seed) => expectForwardMatches(c, seed)),
      { numRuns: 5, seed: 21 },
    );
  });
});

describe('the reference table', () => {
  test('opNames lists the registry, in order', () => {
    expect([...opRegistry.keys()]).toEqual([...opNames]);
  });

  test('every op is evaluated, fed, or excluded with a reason', () => {
    for (const name of opNames) {
      const entry = referenceOps[name];
      const kind = typeof entry === 'function' ? 'evaluated' : 'fed' in entry ? `fed from ${entry.fed}` : entry.excluded;
      expect(kind.length).toBeGreaterThan(0);
    }
    expect(Object.keys(referenceOps).sort()).toEqual([...opNames].sort());
  });

  test('the feature transforms agree with the data stage, value for value', () => {
    const xs = [-3, -0.5, 0, 0.25, 1, 2.5, Number.NaN, 7];
    const steps: TransformStep[] = [
      { op: 'zscore', args: { mean: 0.5, std: 2 } },
      { op: 'impute', args: { strategy: 'mean', value: 1.5, indicator: true } },
      { op: 'log1p', args: {} },
      { op: 'clip', args: { min: -1, max: 2 } },
      { op: 'bucketize', args: { bins: 4, boundaries: [-1, 0, 2] } },
    ];
    for (const step of steps) {
      // NaN is left out of bucketize: the data stage's binary search puts it in the last
      // bucket, the ONNX graph's count of boundaries <= x (and the reference) in the first.
      if (step.op === 'bucketize') xs.splice(xs.findIndex(Number.isNaN), 1);
      const g = new Graph();
      const x = g.input('x', 'f32', [xs.length, 1]);
      const y = g.add(step.op, [x], step.args);
      const got = evaluateGraph(g.graph([y]), new Map([['x', ndarray('f32', [xs.length, 1], xs)]]), new Map()).get(y) as NdArray;
      const want = xs.flatMap((v) => {
        const r = applyTransform(step, { kind: 'number', value: v });
        return r.kind === 'vector' ? r.values : r.kind === 'number' ? [r.value] : [];
      });
      expect({ op: step.op, values: Array.from(got.data) }).toEqual({ op: step.op, values: want });
    }
  });

  test('sparse bags weigh their rows and average over the ids present, as a dense bag does', () => {
    const g = new Graph();
    const ids = g.input('ids', 'i32', [2, 3]);
    const table = g.param('table', [4, 2]);
    const mean = g.add('embedding_lookup', [ids, table], { combiner: 'mean' });
    const params = randomParams(g.graph([mean]), 3);
    const padded = ndarray('i32', [2, 3], [1, 3, 0, 2, 0, 0]);
    const dense = evaluateGraph(g.graph([mean]), new Map([['ids', padded]]), params).get(mean) as NdArray;
    const weights = ndarray('f32', [2, 3], [1, 1, 0, 1, 0, 0]);
    const sparse = evaluateGraph(g.graph([mean]), new Map([['ids', { kind: 'sparse', ids: padded, weights } as const]]), params, {
      at: new Map([[ids, { kind: 'sparse', ids: padded, weights } as const]]),
    }).get(mean) as NdArray;
    const t = params.get('table')!.data;
    expect(Array.from(dense.data)).toEqual([(t[2]! + t[6]!) / 2, (t[3]! + t[7]!) / 2, t[4]!, t[5]!]);
    expect(Array.from(sparse.data)).toEqual(Array.from(dense.data));
  });
});
