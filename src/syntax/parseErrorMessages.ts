import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';

/**
 * Chevrotain reports errors as strings; this provider encodes what each error knows
 * (expected token or rule, the token found) as JSON, which `parse` decodes into a
 * diagnostic. Keeping the wording in one place (`describeFound`, `ruleDescriptions`)
 * keeps messages consistent.
 */
export type ParseErrorInfo =
  | { readonly kind: 'mismatch'; readonly expected: string; readonly expectedName: string }
  | { readonly kind: 'noViableAlt' | 'earlyExit'; readonly rule: string; readonly expected: readonly string[] }
  | { readonly kind: 'notAllInput' };

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function firstTokens(paths: readonly (readonly TokenType[])[]): string[] {
  return paths
    .map((p) => p[0])
    .filter((t): t is TokenType => t !== undefined)
    .map(label);
}

export const parseErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected }) {
    return JSON.stringify({ kind: 'mismatch', expected: label(expected), expectedName: expected.name } satisfies ParseErrorInfo);
  },
  buildNotAllInputParsedMessage() {
    return JSON.stringify({ kind: 'notAllInput' } satisfies ParseErrorInfo);
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, ruleName }) {
    const expected = [...new Set(expectedPathsPerAlt.flatMap(firstTokens))];
    return JSON.stringify({ kind: 'noViableAlt', rule: ruleName, expected } satisfies ParseErrorInfo);
  },
  buildEarlyExitMessage({ expectedIterationPaths, ruleName }) {
    const expected = [...new Set(firstTokens(expectedIterationPaths))];
    return JSON.stringify({ kind: 'earlyExit', rule: ruleName, expected } satisfies ParseErrorInfo);
  },
};

/** What the user wrote, for "found ..." in a message. */
export function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  const text = token.image.length > 24 ? `${token.image.slice(0, 24)}...` : token.image;
  return `\`${text.replace(/`/g, "'").replace(/\s+/g, ' ')}\``;
}

/** What a grammar rule stands for, in words, when none of its alternatives matched. */
export const ruleDescriptions: Readonly<Record<string, string>> = {
  module: 'a declaration (`import`, `const`, `features`, `labels`, `block`, `model`, `train` or `signature`)',
  item: 'a declaration (`import`, `const`, `features`, `labels`, `block`, `model`, `train` or `signature`)',
  importDecl: 'a module path such as `std.nn` or a relative path string',
  statement: 'a statement',
  postfixExpr: 'an expression',
  binaryExpr: 'an expression',
  indexItem: 'an index or a slice',
  signatureEntry: '`inputs` or `outputs`',
  ifStmt: '`{` or `if` after `else`',
};
