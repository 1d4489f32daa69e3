import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 5xxx: elaboration budgets and the IR. */
export const irCodes = {
  irInvalid: {
    code: 'BIRD5001',
    severity: 'error',
    message: 'invalid IR after pass `{pass}`: {detail}',
    help: 'this is a bug in Bird; please report it with the input that caused it',
  },
  recursionLimit: {
    code: 'BIRD5002',
    severity: 'error',
    message: 'block calls nest more than {limit} deep',
    help: 'a block that calls itself needs a compile-time condition that stops it',
  },
  loopLimit: {
    code: 'BIRD5003',
    severity: 'error',
    message: 'compile-time loop runs more than {limit} times',
  },
  workLimit: {
    code: 'BIRD5004',
    severity: 'error',
    message: 'compile-time evaluation takes more than {limit} steps',
    help: 'loops and block calls run while the model is checked and are unrolled into it; look for loops inside loops, or a block that calls itself more than once',
  },
  valueSizeLimit: {
    code: 'BIRD5005',
    severity: 'error',
    message: 'a compile-time value would hold more than {limit} elements',
    help: 'lists and strings are built while the model is checked; one that doubles in a loop outgrows any model',
  },
  graphSizeLimit: {
    code: 'BIRD5006',
    severity: 'error',
    message: 'the model would have more than {limit} nodes once its loops and block calls are expanded',
    help: 'each loop iteration and each block call copies its body into the model; nested loops multiply it, and a block that calls itself twice doubles it at every level',
  },
  nestingLimit: {
    code: 'BIRD5007',
    severity: 'error',
    message: 'loops and block calls nest more than {limit} deep',
    help: 'each call of a block runs its loops inside the loops and calls around it; look for a block that calls itself from inside loops',
  },
  notDifferentiable: {
    code: 'BIRD5015',
    severity: 'error',
    message: 'cannot differentiate the loss of model `{model}`: {reason}',
    help: 'train this model with `engine = "tfjs"`, which differentiates it with TF.js',
  },
} as const satisfies Record<string, CatalogEntry>;
