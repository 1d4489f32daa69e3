import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * The token vocabulary. Labels (in backticks, or a phrase) are what diagnostics show.
 * Soft keywords (`bird`, `features`, `labels`, `model`, `train`, `inputs`, `outputs`,
 * `as`) are in the `Identifier` category, so they stay usable as names (`labels.delayed`)
 * wherever the grammar does not expect the keyword. `out` is reserved: it starts a
 * statement, and with newlines insignificant `h =` followed by `out p = ...` would
 * otherwise silently read as `h = out`.
 */

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'an identifier' });

/**
 * Operator categories: the parser reads an expression as a flat run of operands and
 * operators (one rule, not one per precedence level, which made parsing several times
 * slower); the AST builder applies precedence and associativity.
 */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
export const PrefixOperator = createToken({ name: 'PrefixOperator', pattern: Lexer.NA, label: '`-`, `+` or `not`' });

function keyword(word: string, soft = false, categories: TokenType[] = []): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    label: `\`${word}\``,
    longer_alt: Identifier,
    categories: soft ? [Identifier, ...categories] : categories,
  });
}

function operator(name: string, pattern: RegExp, text: string, categories: TokenType[] = [BinaryOperator]): TokenType {
  return createToken({ name, pattern, label: `\`${text}\``, categories });
}

// Reserved words: never names.
export const Import = keyword('import');
export const Block = keyword('block');
export const Const = keyword('const');
export const Signature = keyword('signature');
export const For = keyword('for');
export const In = keyword('in');
export const If = keyword('if');
export const Else = keyword('else');
export const Return = keyword('return');
export const Out = keyword('out');
export const And = keyword('and', false, [BinaryOperator]);
export const Or = keyword('or', false, [BinaryOperator]);
export const Not = keyword('not', false, [PrefixOperator]);
export const True = keyword('true');
export const False = keyword('false');

// Soft keywords: keywords only where the grammar expects them.
export const Bird = keyword('bird', true);
export const Features = keyword('features', true);
export const Labels = keyword('labels', true);
export const Model = keyword('model', true);
export const Train = keyword('train', true);
export const Inputs = keyword('inputs', true);
export const Outputs = keyword('outputs', true);
export const As = keyword('as', true);

// A version such as `1.2.0-rc.1+build.5`; before numbers so `1.0.0` is not `1.0` then `.0`.
export const Semver = createToken({
  name: 'Semver',
  pattern: /\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?/,
  label: 'a version such as `1.0.0`',
});
export const Float = createToken({
  name: 'Float',
  pattern: /(?:\d[\d_]*\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?|\d[\d_]*[eE][+-]?\d[\d_]*)(?!\w)/,
  label: 'a number',
});
// Not followed by `.digit`, so a malformed float such as `1.0e` is one bad literal, not `1` `.` `0e`.
export const Integer = createToken({ name: 'Integer', pattern: /\d[\d_]*(?!\w|\.\d)/, label: 'a number' });
// A digit run glued to letters (`12abc`) is one bad literal. It parses as a number, so the
// parser does not cascade, and the AST builder reports it.
export const BadNumber = createToken({ name: 'BadNumber', pattern: /\d\w*(?:\.\d\w*)?/, label: 'a number', categories: [Integer] });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: 'a string' });
// Likewise a string missing its closing quote parses as a string and is reported once.
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\.)*/,
  label: 'a string',
  categories: [StringLiteral],
});

export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'errors', line_breaks: true });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });

export const Pipe = createToken({ name: 'Pipe', pattern: /\|>/, label: '`|>`' });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: '`->`' });
export const DotDot = operator('DotDot', /\.\./, '..');
export const EqEq = operator('EqEq', /==/, '==');
export const NotEq = operator('NotEq', /!=/, '!=');
export const LtEq = operator('LtEq', /<=/, '<=');
export const GtEq = operator('GtEq', />=/, '>=');
export const Lt = operator('Lt', /</, '<');
export const Gt = operator('Gt', />/, '>');
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: '`=`' });
export const Plus = operator('Plus', /\+/, '+', [BinaryOperator, PrefixOperator]);
export const Minus = operator('Minus', /-/, '-', [BinaryOperator, PrefixOperator]);
export const Star = operator('Star', /\*/, '*');
export const Slash = operator('Slash', /\//, '/');
export const Percent = operator('Percent', /%/, '%');
export const Caret = operator('Caret', /\^/, '^');
export const At = operator('At', /@/, '@');
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: '`.`' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '`:`' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: '`;`' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '`(`' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '`)`' });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: '`[`' });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: '`]`' });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: '`{`' });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: '`}`' });

/** Every token type in lexing order: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  BinaryOperator,
  PrefixOperator,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  Semver,
  Float,
  Integer,
  BadNumber,
  // `inputs` before `in` and `outputs` before `out`: the first pattern that matches wins.
  Bird,
  Features,
  Labels,
  Model,
  Train,
  Inputs,
  Outputs,
  Out,
  As,
  Import,
  Block,
  Const,
  Signature,
  For,
  In,
  If,
  Else,
  Return,
  And,
  Or,
  Not,
  True,
  False,
  Identifier,
  Pipe,
  Arrow,
  DotDot,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Caret,
  At,
  Dot,
  Comma,
  Colon,
  Semicolon,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
];

/** Opening delimiter token name to its closer, for "unclosed `(`" diagnostics. */
export const delimiterPairs: ReadonlyMap<TokenType, TokenType> = new Map([
  [LParen, RParen],
  [LBracket, RBracket],
  [LBrace, RBrace],
]);
