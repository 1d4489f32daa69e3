import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 4xxx: shapes. */
export const shapesCodes = {
  shapeMismatch: {
    code: 'BIRD4001',
    severity: 'error',
    message: 'mismatched shapes in `{op}`: {shapes}',
  },
  parameterShapeMismatch: {
    code: 'BIRD4002',
    severity: 'error',
    message: 'parameter `{param}` of `{callee}` expects `{expected}`, found `{found}`',
  },
  returnShapeMismatch: {
    code: 'BIRD4003',
    severity: 'error',
    message: 'block `{name}` returns `{found}`, but its signature says `{expected}`',
  },
} as const satisfies Record<string, CatalogEntry>;
