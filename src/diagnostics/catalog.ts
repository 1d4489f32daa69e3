/**
 * Every diagnostic Bird can report, in one table: the code, the severity, the message
 * template and the help. Codes are grouped by stage: 1xxx syntax, 2xxx names, 3xxx types,
 * 4xxx shapes, 5xxx IR, 6xxx backends and export, 7xxx data and training, 8xxx serving
 * (`bird serve`, 8100-8149), 9xxx internal.
 * Templates name their parameters in braces; `Diagnostic` builders are typed from them,
 * so a missing argument is a compile error. A test checks each code is unique and used.
 */
export interface CatalogEntry {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly help?: string;
}

export const catalog = {
  unexpectedCharacter: {
    code: 'BIRD1001',
    severity: 'error',
    message: 'unexpected character {char}',
    help: 'remove it, or put it inside a string literal',
  },
  unterminatedString: {
    code: 'BIRD1002',
    severity: 'error',
    message: 'unterminated string literal',
    help: 'close the string with `"` on the same line',
  },
  unterminatedBlockComment: {
    code: 'BIRD1003',
    severity: 'error',
    message: 'unterminated block comment',
    help: 'close the comment with `*/`',
  },
  invalidEscape: {
    code: 'BIRD1004',
    severity: 'error',
    message: 'invalid escape sequence {escape} in string literal',
    help: 'valid escapes are `\\n`, `\\t`, `\\r`, `\\0`, `\\\\`, `\\"` and `\\u{XXXX}`',
  },
  expectedToken: {
    code: 'BIRD1005',
    severity: 'error',
    message: 'expected {expected}, found {found}',
  },
  unclosedDelimiter: {
    code: 'BIRD1006',
    severity: 'error',
    message: 'expected {close} to close the {open} opened here',
    help: 'add {close}',
  },
  expectedConstruct: {
    code: 'BIRD1007',
    severity: 'error',
    message: 'expected {expected}, found {found}',
  },
  unmatchedCloser: {
    code: 'BIRD1008',
    severity: 'error',
    message: 'unexpected closing delimiter {close}',
    help: 'remove it, or add the matching opening delimiter earlier',
  },
  positionalAfterNamed: {
    code: 'BIRD1009',
    severity: 'error',
    message: 'positional argument after named arguments',
    help: 'put positional arguments first, or name this one',
  },
  unsupportedVersion: {
    code: 'BIRD1010',
    severity: 'error',
    message: 'unsupported language version `{version}`',
    help: 'this compiler understands `bird 1`',
  },
  invalidNumber: {
    code: 'BIRD1011',
    severity: 'error',
    message: 'invalid number literal {text}',
    help: 'write decimal digits with an optional fraction and exponent, as in `42`, `0.5`, `1e-3` or `1_000_000` (`_` only between digits)',
  },
  tooManyErrors: {
    code: 'BIRD1012',
    severity: 'error',
    message: 'too many syntax errors; stopped after {count}',
    help: 'fix the errors above and run again',
  },
  invalidUnicodeEscape: {
    code: 'BIRD1013',
    severity: 'error',
    message: 'invalid unicode escape {escape}',
    help: 'write a hexadecimal code point of at most 6 digits up to `10FFFF`, as in `\\u{1F426}`',
  },
  missingPragma: {
    code: 'BIRD1014',
    severity: 'warning',
    message: 'missing language version pragma',
    help: 'start the file with `bird 1`',
  },
  invalidAssignTarget: {
    code: 'BIRD1015',
    severity: 'error',
    message: 'cannot assign to this expression',
    help: 'the left of `=` must be a plain name, as in `h = dense(x, 64)`',
  },
  chainedComparison: {
    code: 'BIRD1016',
    severity: 'error',
    message: '{operator} cannot be chained',
    help: 'split it with `and`, as in `a < b and b < c`, or add parentheses',
  },
  nestingTooDeep: {
    code: 'BIRD1017',
    severity: 'error',
    message: 'expression nested more than {limit} levels deep',
    help: 'name the inner parts with assignments: `h = ...`',
  },
  unknownName: {
    code: 'BIRD2001',
    severity: 'error',
    message: 'cannot find `{name}` in this scope',
  },
  duplicateDefinition: {
    code: 'BIRD2002',
    severity: 'error',
    message: '`{name}` is defined more than once',
    help: 'rename one of them',
  },
  unknownModule: {
    code: 'BIRD2003',
    severity: 'error',
    message: 'cannot find module {module}',
  },
  unknownImport: {
    code: 'BIRD2004',
    severity: 'error',
    message: 'module {module} has no `{name}`',
  },
  importCycle: {
    code: 'BIRD2005',
    severity: 'error',
    message: 'import cycle: {cycle}',
    help: 'move what both files need into a third file that imports neither',
  },
  importOutsideRoot: {
    code: 'BIRD2006',
    severity: 'error',
    message: 'import {path} leaves the project root',
    help: 'keep imported files inside {root}, or run bird from a folder that contains both',
  },
  unknownField: {
    code: 'BIRD2007',
    severity: 'error',
    message: '{set} has no field `{name}`',
  },
  unknownArgument: {
    code: 'BIRD2008',
    severity: 'error',
    message: '{callee} has no parameter `{name}`',
  },
  unknownFeatureKind: {
    code: 'BIRD2009',
    severity: 'error',
    message: 'unknown {what} `{name}`',
  },
  unknownModel: {
    code: 'BIRD2010',
    severity: 'error',
    message: 'cannot find model `{name}`',
  },
  unknownSignatureItem: {
    code: 'BIRD2011',
    severity: 'error',
    message: 'signature `{signature}` names unknown {direction} `{name}`',
  },
  unusedFeature: {
    code: 'BIRD2012',
    severity: 'warning',
    message: 'feature `{name}` is never used by model `{model}`',
    help: 'remove it from `features {set}`, or use it in the model',
  },
  unknownTrainSetting: {
    code: 'BIRD2013',
    severity: 'error',
    message: 'unknown train setting `{name}`',
  },
  duplicateArgument: {
    code: 'BIRD2014',
    severity: 'error',
    message: 'argument `{name}` is given more than once',
    help: 'remove one of them',
  },
  noLabels: {
    code: 'BIRD2015',
    severity: 'error',
    message: 'no `labels {set}` declaration for the labels used here',
    help: 'declare `labels {set} { ... }` next to `features {set}`',
  },
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
    message: 'the model would have more than {limit} nodes once its block calls are expanded',
    help: 'each call of a block copies its body into the model; a block that calls itself twice doubles it at every level',
  },
  notDifferentiable: {
    code: 'BIRD5015',
    severity: 'error',
    message: 'cannot differentiate the loss of model `{model}`: {reason}',
    help: 'train this model with `engine = "tfjs"`, which differentiates it with TF.js',
  },
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
    help: 'nothing was written; this is a bug in Bird\'s ONNX or TF.js backend, please report it with the model',
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
    help: 'the artifact\'s model computes something other than when it was exported; export it again rather than editing it',
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
  dataUnreadable: {
    code: 'BIRD7001',
    severity: 'error',
    message: 'cannot read data file `{path}`: {reason}',
  },
  emptyData: {
    code: 'BIRD7002',
    severity: 'error',
    message: 'data file `{path}` has no rows',
    help: 'a CSV file needs a header line and at least one row; a JSONL file one object per line',
  },
  missingColumn: {
    code: 'BIRD7003',
    severity: 'error',
    message: 'data file `{path}` has no column `{column}`',
  },
  badValue: {
    code: 'BIRD7004',
    severity: 'error',
    message: 'expected {expected} in column `{column}`, found {found}',
  },
  raggedRow: {
    code: 'BIRD7005',
    severity: 'error',
    message: 'row has {count} fields, but the header has {expected}',
  },
  truncatedData: {
    code: 'BIRD7006',
    severity: 'error',
    message: 'data file `{path}` ends unexpectedly: {reason}',
    help: 'the file is cut short or corrupt; download or copy it again',
  },
  invalidRecord: {
    code: 'BIRD7007',
    severity: 'error',
    message: 'line is not {expected}: {reason}',
  },
  engineUnavailable: {
    code: 'BIRD7025',
    severity: 'error',
    message: 'the `{engine}` training engine cannot run here: {reason}',
  },
  duplicateColumn: {
    code: 'BIRD7015',
    severity: 'error',
    message: 'column `{column}` appears more than once in the header',
    help: 'rename one of them: Bird reads columns by name, so it cannot tell which one a feature means',
  },
  unterminatedQuote: {
    code: 'BIRD7016',
    severity: 'error',
    message: 'quoted field is never closed',
    help: 'close the field with `"`; a `"` inside a quoted field is written twice (`""`)',
  },
  notText: {
    code: 'BIRD7017',
    severity: 'error',
    message: 'data file `{path}` is not text: {reason}',
    help: 'a CSV or JSONL data file is UTF-8 text, optionally gzipped (`.gz`); is this a binary file, or one in another encoding?',
  },
  nothingToServe: {
    code: 'BIRD8100',
    severity: 'error',
    message: 'no model under {root} could be loaded, so there is nothing to serve',
    help: 'serve the folder `bird export` writes (`artifacts/`, holding `<model>/<version>/`); the diagnostics above say why each version found was refused',
  },
  cannotListen: {
    code: 'BIRD8101',
    severity: 'error',
    message: 'cannot listen on {address}: {reason}',
    help: 'choose another `--port` or `--grpc-port` (0 picks a free one), or stop the process using it',
  },
  internalError: {
    code: 'BIRD9001',
    severity: 'error',
    message: 'internal compiler error: {detail}',
    help: 'this is a bug in Bird; please report it with the input that caused it',
  },
} as const satisfies Record<string, CatalogEntry>;

export type CatalogKey = keyof typeof catalog;

/**
 * The texts drawn under a diagnostic's secondary spans, by name, with the same named
 * parameters as the messages: every word Bird prints about a span is listed here.
 */
export const labelCatalog = {
  firstDefinedHere: 'first defined here',
  firstDeclaredHere: 'first declared here',
  firstGivenHere: 'first given here',
  firstRateDeclaredHere: 'first rate declared here',
  firstOperatorHere: 'first operator here',
  declaredHere: 'declared here',
  labelKindDeclaredHere: 'declared {kind} here',
  unclosedOpener: 'unclosed {open}',
  innermostRunning: 'the innermost {what} running',
  inThisRunning: 'in this {what}',
  splitsByRowNumber: '`{argument}` splits by row number',
  /** An operand, named by its type or value, beside the operand the primary span marks. */
  operandIs: '{what}',
} as const satisfies Record<string, string>;

/** The notes a diagnostic adds below its code frame, by name, with named parameters. */
export const noteCatalog = {
  raisedInStdlib: 'in block `{block}` of `{module}`, at {location}{detail}',
  /** The op's own explanation of why the shapes do not fit (from its shape rule). */
  shapeRule: '{reason}',
  moreProblems: 'and {count} more',
  /** Where in the IR (its `file:line:col` note) a step failed. */
  atIrNode: 'at {location}',
  badRowLimit: 'more than {max} bad rows: `bad_data = skip(max: {max})` allows no more',
  featureReadsColumn: 'feature `{feature}` reads this column',
  headerNames: 'the header names: {names}',
} as const satisfies Record<string, string>;

export type LabelKey = keyof typeof labelCatalog;
export type NoteKey = keyof typeof noteCatalog;

// A placeholder is `{name}` with a lowercase first letter, so `\u{1F426}` in a help is text.
type IsName<P extends string> = P extends `${infer F}${string}` ? (F extends Lowercase<F> ? (F extends Uppercase<F> ? never : P) : never) : never;
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? IsName<P> | Placeholders<Rest>
  : never;

/** The arguments a template needs, by name. */
export type TemplateArgs<S extends string> = { [P in Placeholders<S>]: string };

/** The arguments a catalog entry's message and help need, by name. */
export type MessageArgs<K extends CatalogKey> = {
  [P in
    | Placeholders<(typeof catalog)[K]['message']>
    | Placeholders<(typeof catalog)[K] extends { help: infer H extends string } ? H : ''>]: string;
};

export function formatTemplate(template: string, args: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]\w*)\}/g, (whole, name: string) => args[name] ?? whole);
}
