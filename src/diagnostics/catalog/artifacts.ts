import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 6xxx: backends, export and artifacts. */
export const artifactsCodes = {
  exportUnsupported: {
    code: 'BIRD6001',
    severity: 'error',
    message: 'cannot export model `{model}` to ONNX: {reason}',
    help: 'an exported signature may use only ops with an ONNX form; see docs/ops.md',
  },
  backendsDisagree: {
    code: 'BIRD6002',
    severity: 'error',
    message: 'the ONNX model and TF.js disagree on output `{output}` of signature `{signature}`: {detail}',
    help: "nothing was written; this is a bug in Bird's ONNX or TF.js backend, please report it with the model",
  },
  artifactRefused: {
    code: 'BIRD6003',
    severity: 'error',
    message: '{reason}',
  },
  artifactInvalid: {
    code: 'BIRD6004',
    severity: 'error',
    message: '{reason}',
  },
  vectorsMismatch: {
    code: 'BIRD6005',
    severity: 'error',
    message: 'output `{output}` of signature `{signature}` no longer matches its golden vectors: {detail}',
    help: "the artifact's model computes something other than when it was exported; export it again rather than editing it",
  },
  noComparisonRows: {
    code: 'BIRD6010',
    severity: 'error',
    message: 'run `{run}` gives no rows to compare ONNX Runtime with TF.js on: {reason}',
    help: "`bird export` writes an artifact only after both engines agree on the run's holdout rows (its training rows when the data has no split); train on data whose holdout part has rows the model can read",
  },
  artifactHasNoSignature: {
    code: 'BIRD6011',
    severity: 'error',
    message: 'artifact {model} {version} has no signature `{name}`',
    help: 'its signatures: {signatures}',
  },
  artifactLink: {
    code: 'BIRD6020',
    severity: 'error',
    message: '{reason}',
  },
  artifactDigestMismatch: {
    code: 'BIRD6021',
    severity: 'error',
    message: '{reason}',
  },
  artifactBadIr: {
    code: 'BIRD6022',
    severity: 'error',
    message: '{reason}',
  },
  artifactNotOnnx: {
    code: 'BIRD6023',
    severity: 'error',
    message: '{reason}',
  },
  artifactContractMismatch: {
    code: 'BIRD6024',
    severity: 'error',
    message: '{reason}',
  },
  artifactInconsistent: {
    code: 'BIRD6025',
    severity: 'error',
    message: '{reason}',
  },
} as const satisfies Record<string, CatalogEntry>;
