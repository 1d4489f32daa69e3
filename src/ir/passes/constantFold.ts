import type { OpName } from '../../ops/opNames.js';
import { elementwiseReference } from '../../ops/reference/elementwise.js';
import { fromAttr, ndarray, toAttr } from '../../ops/reference/ndarray.js';
import type { TensorType } from '../../tensor/types.js';
import { elementCount } from '../../tensor/shapes.js';
import type { IrNode } from '../ir.js';
import type { Pass } from './pass.js';
import { renumber } from './renumber.js';

/** Folded constants larger than this stay as computations, so the IR does not bloat. */
export const maxFoldedElements = 4096;

/**
 * The ops folded, by their reference semantics (`src/ops/reference/`): elementwise float
 * arithmetic whose result does not depend on attributes or integer rules.
 */
const foldable: ReadonlySet<OpName> = new Set<OpName>([
  'neg',
  'abs',
  'exp',
  'log',
  'log1p',
  'sqrt',
  'square',
  'relu',
  'sigmoid',
  'tanh',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'minimum',
  'maximum',
]);

/**
 * Computes elementwise ops whose inputs are all constants (`[0.0] * units + 1.0` and the
 * like) by the ops' reference semantics and puts the result in a `const` node. Float32
 * rounding matches the backends: results are rounded through a Float32Array.
 */
export const constantFoldPass: Pass = {
  name: 'constant-folding',
  run(graph) {
    const rewrite = new Map<number, IrNode>();
    const constOf = (id: number): IrNode | undefined => {
      const n = rewrite.get(id) ?? graph.nodes[id];
      return n?.op === 'const' ? n : undefined;
    };
    for (const n of graph.nodes) {
      if (n.type.kind !== 'tensor' || n.type.dtype !== 'f32') continue;
      const size = elementCount(n.type.shape);
      if (size === null || size > maxFoldedElements) continue;
      const inputs = n.inputs.map(constOf);
      if (inputs.length === 0 || inputs.some((i) => i === undefined || i.type.kind !== 'tensor' || i.type.dtype !== 'f32')) continue;
      if (!foldable.has(n.op as OpName)) continue;
      const values = inputs.map((i) => fromAttr(i!.attrs['value']!, 'f32', (i!.type as TensorType).shape as number[]));
      const result = Array.from(elementwiseReference[n.op as keyof typeof elementwiseReference](values, n.attrs, n.type).data);
      if (result.some((x) => !Number.isFinite(x))) continue;
      const rounded = Array.from(Float32Array.from(result));
      rewrite.set(n.id, { ...n, op: 'const', inputs: [], attrs: { value: toAttr(ndarray('f32', n.type.shape as number[], rounded)) } });
    }
    if (rewrite.size === 0) return graph;
    return renumber(
      graph,
      graph.nodes.map((n) => n.id),
      new Map(),
      rewrite,
    );
  },
};
