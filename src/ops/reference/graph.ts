import type { FamilyTable } from './evaluator.js';
import { fromAttr, type RefDType } from './ndarray.js';

export const graphReference = {
  input: { fed: 'feeds' },
  // Block instances exist only until the inline pass; the reference runs inlined graphs, as the backends do.
  arg: { excluded: 'an argument of a block instance function, gone after inlining' },
  call: { excluded: 'a block instance call, gone after inlining' },
  const: (_inputs, attrs, type) => {
    if (type.dtype === 'string') throw new Error('a string constant has no numeric value');
    return fromAttr(
      attrs['value'] ?? 0,
      type.dtype as RefDType,
      type.shape.map((d) => Number(d)),
    );
  },
} satisfies FamilyTable;
