/** Nesting of block calls beyond this is taken for runaway recursion. */
export const maxCallDepth = 64;
/** A compile-time loop longer than this is taken for a mistake. */
export const maxLoopIterations = 100_000;
