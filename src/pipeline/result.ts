import type { Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * What every pipeline function returns, like the earlier stages: a value, or `undefined`
 * when an error stopped it, and the diagnostics (errors and warnings) on the way. Only a
 * mistake in the arguments the caller passed throws (`UsageError`), and a bug in Bird.
 */
export interface Result<T> {
  readonly value: T | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** A result stopped by `diagnostics`, after `warnings` (those of the stages that went well). */
export function failed<T>(diagnostics: readonly Diagnostic[], warnings: readonly Diagnostic[] = []): Result<T> {
  return { value: undefined, diagnostics: [...warnings, ...diagnostics] };
}
