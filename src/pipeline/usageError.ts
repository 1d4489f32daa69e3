/** A mistake in how the command was invoked (exit code 2), as opposed to a diagnostic in a file (exit code 1). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
