import type { Value } from '../values.js';

/** Nesting of block calls beyond this is taken for runaway recursion. */
export const maxCallDepth = 64;
/**
 * Loops and block calls running inside one another, counted together. Each alone is
 * bounded (64 levels of syntax, 64 calls deep) but not their product: a recursive block
 * whose body nests 35 loops ran 40 calls deep before the JavaScript stack overflowed
 * (fuzz seed 5, input 46511). The largest model of the repository nests 4.
 */
export const maxNesting = 256;
/** A compile-time loop longer than this is taken for a mistake. */
export const maxLoopIterations = 100_000;
/**
 * Steps of compile-time work for one check of a file, all its models together: each
 * expression evaluated, statement run and loop iteration is a step, a block call
 * `callSteps`, and each element of a list or character of a string built is one more.
 * The largest model of the repository takes about 2,500; see docs/language.md.
 */
export const maxWork = 2_000_000;
/** What a block call costs beyond its arguments and body: binding, a scope, the memo key. */
export const callSteps = 10;
/** The most elements a compile-time value holds, counting those of the lists inside it and the characters of strings. */
export const maxValueSize = 1_000_000;
/** The most nodes a model's graph may have once every block call is expanded into its body. */
export const maxGraphNodes = 200_000;

/** The compile-time work done so far, shared by every elaboration of one check. */
export class WorkBudget {
  used = 0;
  /** Set once a limit has stopped an elaboration: later models are not elaborated. */
  exhausted = false;
}

const sizes = new WeakMap<Value, number>();

/**
 * The number of elements of a list (with those of the lists inside it, each time it
 * appears) or the characters of a string; 1 for any other value. Lists are immutable,
 * so each one's size is computed once, and a list built of shared parts costs its length.
 */
export function valueSize(v: Value): number {
  if (v.kind === 'string') return v.value.length;
  if (v.kind !== 'list') return 1;
  const known = sizes.get(v);
  if (known !== undefined) return known;
  let size = v.elements.length;
  for (const e of v.elements) if (e.kind === 'list' || e.kind === 'string') size += valueSize(e);
  sizes.set(v, size);
  return size;
}
