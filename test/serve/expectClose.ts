// Apart from flightsTree.ts, which the bench imports too: this one imports Jest.
import { expect } from '@jest/globals';

/** JSON carries the float32 values as doubles: equal to within float32 rounding. */
export function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[i]!))));
}
