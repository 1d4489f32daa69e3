import type { OpName } from '../opNames.js';
import { elementwiseReference } from './elementwise.js';
import type { ReferenceEntry } from './evaluator.js';
import { graphReference } from './graph.js';
import { linalgReference } from './linalg.js';
import { lossReference } from './loss.js';
import { metricReference } from './metric.js';
import { nnReference } from './nn.js';
import { preprocessReference } from './preprocess.js';
import { reduceReference } from './reduce.js';
import { shapeReference } from './shape.js';
import { sparseReference } from './sparse.js';

/**
 * The reference semantics of every op, in float64, by name: an op of the registry
 * missing here is a compile error. Each entry evaluates its op, says where its value
 * comes from (`input`: the feeds; `param`: the parameters) or why it is not evaluated
 * (`excluded`: block plumbing gone after inlining, metrics over a whole evaluation set,
 * string transforms).
 */
export const referenceOps: { readonly [K in OpName]: ReferenceEntry } = {
  ...graphReference,
  ...elementwiseReference,
  ...linalgReference,
  ...reduceReference,
  ...shapeReference,
  ...nnReference,
  ...sparseReference,
  ...lossReference,
  ...metricReference,
  ...preprocessReference,
};
