import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 9xxx: internal errors. */
export const internalCodes = {
  internalError: {
    code: 'BIRD9001',
    severity: 'error',
    message: 'internal compiler error: {detail}',
    help: 'this is a bug in Bird; please report it with the input that caused it',
  },
} as const satisfies Record<string, CatalogEntry>;
