import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 3xxx: types, settings and the train section. */
export const typesCodes = {
  typeMismatch: {
    code: 'BIRD3001',
    severity: 'error',
    message: 'mismatched types: expected {expected}, found {found}',
  },
  wrongArgumentCount: {
    code: 'BIRD3002',
    severity: 'error',
    message: '{callee} takes at most {count} positional arguments but {given} were given',
  },
  missingArgument: {
    code: 'BIRD3003',
    severity: 'error',
    message: 'missing argument `{name}` for {callee}',
  },
  notCallable: {
    code: 'BIRD3004',
    severity: 'error',
    message: '{what} is not callable',
  },
  invalidOperands: {
    code: 'BIRD3005',
    severity: 'error',
    message: 'cannot apply `{op}` to {left} and {right}',
  },
  notCompileTime: {
    code: 'BIRD3006',
    severity: 'error',
    message: '{what} must be known at compile time, but this is a tensor',
    help: 'compile-time values are numbers, strings, booleans and lists of them',
  },
  invalidSemver: {
    code: 'BIRD3007',
    severity: 'error',
    message: 'invalid version `{version}`',
    help: 'versions follow semver 2.0: `MAJOR.MINOR.PATCH`, numbers without leading zeros',
  },
  missingReturn: {
    code: 'BIRD3008',
    severity: 'error',
    message: 'block `{name}` ends without `return`',
    help: 'end the block with `return` and the value it produces',
  },
  opTypeError: {
    code: 'BIRD3009',
    severity: 'error',
    message: '`{op}`: {reason}',
  },
  labelLossMismatch: {
    code: 'BIRD3010',
    severity: 'error',
    message: 'loss `{loss}` needs a {expected} label, but `{label}` is {kind}',
  },
  invalidTrainSetting: {
    code: 'BIRD3011',
    severity: 'error',
    message: 'train setting `{name}` expects {expected}, found {found}',
  },
  missingTrainSetting: {
    code: 'BIRD3012',
    severity: 'error',
    message: 'the train section of `{model}` has no `{name}`',
  },
  invalidIndex: {
    code: 'BIRD3013',
    severity: 'error',
    message: 'index {index} is out of range for a list of {length}',
  },
  outputNotTensor: {
    code: 'BIRD3014',
    severity: 'error',
    message: 'output `{name}` must be a tensor, found {found}',
  },
  duplicateOutput: {
    code: 'BIRD3015',
    severity: 'error',
    message: 'output `{name}` is produced more than once',
  },
  noOutputs: {
    code: 'BIRD3016',
    severity: 'error',
    message: 'model `{name}` has no outputs',
    help: 'declare what it produces with `out NAME = ...`',
  },
  ambiguousSignature: {
    code: 'BIRD3017',
    severity: 'error',
    message: 'signature `{name}` does not say which model it serves',
    help: 'this file has several models: write `signature {name} @ {version} for MODEL { ... }`',
  },
  duplicateSignatureVersion: {
    code: 'BIRD3018',
    severity: 'error',
    message: 'signature `{name}` @ {version} is declared more than once',
    help: 'bump the version of the newer one',
  },
  assertionFailed: {
    code: 'BIRD3019',
    severity: 'error',
    message: '{message}',
  },
  signatureMissingInput: {
    code: 'BIRD3020',
    severity: 'error',
    message: 'output `{output}` of signature `{signature}` needs {features}, which the signature does not take',
  },
  invalidConstructorArgument: {
    code: 'BIRD3030',
    severity: 'error',
    message: 'argument `{name}` of {callee} expects {expected}, found {found}',
  },
  conflictingArguments: {
    code: 'BIRD3031',
    severity: 'error',
    message: '{callee} cannot take `{first}` together with `{second}`',
  },
  earlyStopUnknownMetric: {
    code: 'BIRD3032',
    severity: 'error',
    message: '`early_stop` watches `{metric}`, which the train section does not compute',
  },
  textNotTokenized: {
    code: 'BIRD3033',
    severity: 'warning',
    message: 'text feature `{name}` goes to `{transform}` whole, as one id',
  },
  imputeWithDefault: {
    code: 'BIRD3034',
    severity: 'error',
    message: 'feature `{name}` declares a default and also imputes its missing values',
  },
  imputePlacement: {
    code: 'BIRD3035',
    severity: 'error',
    message: '`impute` of feature `{name}` {problem}',
  },
  logitsLossGivenProbability: {
    code: 'BIRD3036',
    severity: 'warning',
    message: '`{loss}` takes logits, but its first argument is the output of `{op}`',
    help: 'pass the value `{op}` is applied to (the logit), and keep `{op}` for the output',
  },
  invalidMetricGroup: {
    code: 'BIRD3037',
    severity: 'error',
    message: '`on(...)` in `metrics` {problem}',
  },
  sharedBlockMismatch: {
    code: 'BIRD3038',
    severity: 'error',
    message: 'the calls of shared block `{name}` (`{block}`) would make different parameters',
    help: 'the calls of one shared block use one set of parameters, so each needs the compile-time arguments and input shapes that its parameters depend on to be the same; give a different call its own `shared(...)` name',
  },
  textOptionNoEffect: {
    code: 'BIRD3039',
    severity: 'warning',
    message: '`{option}` of feature `{name}` has no effect: {reason}',
  },
  termWeightPlacement: {
    code: 'BIRD3040',
    severity: 'error',
    message: '`term_weight` of feature `{name}` {problem}',
  },
  sharedVocabulary: {
    code: 'BIRD3046',
    severity: 'error',
    message: 'feature `{name}` cannot share vocabulary `"{shared}"`: it {problem}',
  },
  featureGroup: {
    code: 'BIRD3045',
    severity: 'error',
    message: 'feature group `{name}` {problem}',
  },
  // `--signature NAME` naming no signature of the model (`pipeline/selectModel.ts`).
  noSuchSignature: {
    code: 'BIRD3025',
    severity: 'error',
    message: 'model `{model}` has no signature `{name}`',
    help: 'its signatures: {signatures}',
  },
  severalSignatures: {
    code: 'BIRD3026',
    severity: 'error',
    message: 'model `{model}` has {count} signatures, and `--out` writes the ONNX model of one',
    help: 'choose one with `--signature`: {signatures}',
  },
} as const satisfies Record<string, CatalogEntry>;
