import { tensor } from '../tensor/types.js';
import { ok, typeError, type OpDefinition } from './opSchema.js';

/**
 * Graph plumbing the elaborator creates itself. Their types are set where they are made,
 * so inference only re-states them; the IR verifier checks them against this table.
 */
const plumbing = (name: string, doc: string): OpDefinition => ({
  name,
  family: 'graph',
  // Leaves of the gradient: nothing flows past them (calls are inlined before autodiff runs).
  grad: () => [],
  internal: true,
  doc,
  params: [],
  infer: () => typeError('is created by the compiler, not called'),
});

export const graphOps: readonly OpDefinition[] = [
  plumbing('input', 'a raw feature or label column read from data'),
  plumbing('arg', 'an input of a block instance function'),
  plumbing('call', 'an application of a block instance function; removed by inlining'),
  {
    name: 'const',
    family: 'graph',
    grad: 'none',
    internal: true,
    doc: 'a constant tensor written in the program',
    params: [{ name: 'value', kind: 'any' }],
    infer: () => ok(tensor('f32', [])),
  },
];
