import type { PrimitiveSchema, PrimitiveTable } from '../semantic/primitives.js';
import { elementwiseOps } from './elementwise.js';
import { graphOps } from './graphOps.js';
import { linalgOps } from './linalg.js';
import { lossOps } from './loss.js';
import { metricOps } from './metric.js';
import { nnOps } from './nn.js';
import type { OpSchema } from './opSchema.js';
import { preprocessOps } from './preprocess.js';
import { reduceOps } from './reduce.js';
import { sequenceOps } from './sequence.js';
import { shapeOps } from './shape.js';
import { sparseOps } from './sparse.js';

const all: readonly OpSchema[] = [
  ...graphOps,
  ...elementwiseOps,
  ...linalgOps,
  ...reduceOps,
  ...shapeOps,
  ...nnOps,
  ...sparseOps,
  ...sequenceOps,
  ...lossOps,
  ...metricOps,
  ...preprocessOps,
];

const byName = new Map<string, OpSchema>();
for (const op of all) {
  if (byName.has(op.name)) throw new Error(`op \`${op.name}\` is declared twice`);
  byName.set(op.name, op);
}

/** Every op, internal ones included, by name. */
export const opRegistry: ReadonlyMap<string, OpSchema> = byName;

/** The ops `.bird` code may call by name, as the checker sees them. */
export const primitiveTable: PrimitiveTable = {
  get(name: string): PrimitiveSchema | undefined {
    const op = byName.get(name);
    return op && !op.internal ? op : undefined;
  },
  names(): Iterable<string> {
    return all.filter((o) => !o.internal).map((o) => o.name);
  },
};
