import type { AttrValue } from '../../tensor/attrValue.js';
import type { TensorType } from '../../tensor/types.js';
import type { NdArray, RefValue } from './ndarray.js';
import type { OpName } from '../opNames.js';

/**
 * One op's reference semantics: its value in float64 from its operands' values (in the
 * order of its parameters, a `tensors` parameter spread out), its attributes (as the
 * op's `infer` completed them: axes normalized, defaults filled in) and its result type.
 */
export type RefEvaluator = (inputs: readonly RefValue[], attrs: Readonly<Record<string, AttrValue>>, type: TensorType) => NdArray;

/**
 * What the reference does with an op: evaluate it; read it from what the caller gives
 * (`input` from the feeds, `param` from the parameters); or not evaluate it, with why.
 */
export type ReferenceEntry = RefEvaluator | { readonly fed: 'feeds' | 'params' } | { readonly excluded: string };

/** One op family's entries: only registry names (a typo is a compile error). */
export type FamilyTable = Partial<Readonly<Record<OpName, ReferenceEntry>>>;
