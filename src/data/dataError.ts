import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** A problem with a data file, carrying its diagnostic (file, row, column, code frame). */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}
