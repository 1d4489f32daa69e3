import { describe, expect, test } from '@jest/globals';
import { exportAtEntries } from '../../../src/backends/onnx/exportAtEntries.js';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { OnnxExportError, UnsupportedOnnxOp } from '../../../src/backends/onnx/onnxExportError.js';
import type { IrGraph, IrNode } from '../../../src/ir/ir.js';
import { tensor } from '../../../src/tensor/types.js';
import { caseGraph } from './opGraph.js';
import { fittedModel, randomWeights } from './onnxTestHelpers.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('what cannot be exported is a clear error', () => {
  test('a metric op reached by an output is unsupported, naming the op', () => {
    const { graph, weights, out } = caseGraph(
      { op: 'metric_mean', operands: [{ kind: 'data', dtype: 'f32', shape: [2], gen: () => 1 }] },
      1,
    );
    const error = thrown(() => exportAtEntries(graph, weights, [{ name: 'out', node: out }]));
    expect(error).toBeInstanceOf(UnsupportedOnnxOp);
    expect((error as UnsupportedOnnxOp).op).toBe('metric_mean');
    expect((error as Error).message).toBe('op `metric_mean` cannot be exported to ONNX: it exists only for training and evaluation');
  });

  test('string hashing inside a model body stays outside the graph', () => {
    const nodes: IrNode[] = [
      { id: 0, op: 'input', type: tensor('string', ['B']), inputs: [], attrs: {}, loc: 'm.bird:3:3', scope: '' },
      { id: 1, op: 'hash_bucket', type: tensor('i32', ['B'], 16), inputs: [0], attrs: { bits: 4 }, loc: 'm.bird:9:7', scope: '' },
    ];
    // The feature has no `hash` transform, so the op is part of the body, fed the raw string.
    const graph: IrGraph = {
      version: 1,
      model: 'M',
      features: [{ name: 's', role: 'feature', kind: 'string', args: {}, default: '', transforms: [], node: 0 }],
      functions: [],
      nodes,
      outputs: [{ name: 'h', node: 1 }],
      train: null,
      signatures: [{ name: 'serve', version: '1.0.0', inputs: [{ name: 's', alias: 's' }], outputs: [{ name: 'h', alias: 'h' }] }],
    };
    const error = thrown(() => exportSignatures(graph, new Map()));
    expect(error).toBeInstanceOf(UnsupportedOnnxOp);
    expect((error as Error).message).toMatch(
      /^op `hash_bucket` cannot be exported to ONNX: string hashing runs outside the graph.*\(at m\.bird:9:7\)$/,
    );
  });

  test('missing or misshapen weights, and transforms that were never fitted', async () => {
    const { graph } = await fittedModel('flights.bird');
    const weights = randomWeights(graph, 1);
    weights.delete('mlp_0/dense_1/w');
    expect(thrown(() => exportSignatures(graph, weights))).toEqual(
      new OnnxExportError('no trained weights for parameter `mlp_0/dense_1/w`'),
    );
    weights.set('mlp_0/dense_1/w', new Float32Array(3));
    expect((thrown(() => exportSignatures(graph, weights)) as Error).message).toBe(
      'parameter `mlp_0/dense_1/w` has 3 weights, but its shape [256, 128] holds 32768',
    );

    const unfitted = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.op === 'zscore' ? { ...n, attrs: { ...n.attrs, mean: null, std: null } } : n)),
    };
    expect((thrown(() => exportSignatures(unfitted, randomWeights(graph, 1))) as Error).message).toBe(
      '`zscore` has no fitted mean and std; export the IR the data stage fitted',
    );
  });

  test('a signature naming an output the model lacks', async () => {
    const { graph } = await fittedModel('flights.bird');
    const bad = { ...graph, signatures: [{ ...graph.signatures[0]!, outputs: [{ name: 'nope', alias: 'nope' }] }] };
    expect((thrown(() => exportSignatures(bad, randomWeights(graph, 1))) as Error).message).toBe(
      'signature `serve` names output `nope`, which model `DelayMlp` does not have',
    );
  });
});
