import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 1xxx: the lexer and the parser. */
export const syntaxCodes = {
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
} as const satisfies Record<string, CatalogEntry>;
