import { EOF, type ILexingError, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { diagnostic, hasErrors, secondaryLabel, type Diagnostic, type DiagnosticExtras } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import type { Module } from './ast.js';
import { attachComments } from './attachComments.js';
import { AstBuilder } from './buildAst.js';
import { birdLexer } from './lexer.js';
import { describeFound, ruleDescriptions, type ParseErrorInfo } from './parseErrorMessages.js';
import { ParseHalted } from './grammar/parserCore.js';
import { parserInstance } from './parserInstance.js';
import * as T from './tokens.js';

export interface ParseResult {
  readonly module: Module;
  readonly diagnostics: readonly Diagnostic[];
}

/** Syntax errors past this many are summarized in one final diagnostic. */
export const maxSyntaxErrors = 50;

/**
 * Errors the parser recovers from in one file before it stops. Recoveries far outnumber
 * reported errors (one per line), but a file with this many has more than
 * `maxSyntaxErrors` to report long before.
 */
export const maxRecoveries = 2000;

const itemStarts: ReadonlySet<TokenType> = new Set([T.Import, T.Const, T.Features, T.Labels, T.Block, T.Model, T.Train, T.Signature]);
const valueStarts: ReadonlySet<TokenType> = new Set([T.Identifier, T.Integer, T.Float, T.StringLiteral, T.True, T.False, T.LBracket]);
const closers: ReadonlyMap<TokenType, TokenType> = new Map([...T.delimiterPairs].map(([open, close]) => [close, open]));

/**
 * Lexes and parses one file. Never throws on user input: lexical and syntax errors become
 * diagnostics and the AST holds what could be recovered (`ErrorExpr` where nothing could).
 */
export function parse(source: SourceFile): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = birdLexer().tokenize(source.text);
  for (const e of lexed.errors) diagnostics.push(lexError(source, e));
  for (const t of lexed.groups['errors'] ?? []) diagnostics.push(errorToken(source, t));
  for (const t of malformedTokens(lexed.tokens)) diagnostics.push(errorToken(source, t));

  // The parser recurses once per bracket (a dozen frames per expression level); past a
  // sane depth the input is cut at the offending bracket rather than overflowing the stack.
  let tokens = lexed.tokens;
  const tooDeep = firstTooDeep(tokens);
  if (tooDeep !== undefined) {
    diagnostics.push(
      diagnostic('nestingTooDeep', { limit: String(maxNesting) }, source, tokenSpan(tokens[tooDeep]!), { label: 'too deep here' }),
    );
    tokens = tokens.slice(0, tooDeep);
  }
  const parser = parserInstance();
  const builder = new AstBuilder(source);
  parser.builder = builder;
  parser.text = source.text;
  const syntax: Diagnostic[] = [];
  let lastErrorOffset = -1;
  // After recovery the parser often trips again on the same line; one error per line keeps
  // the report to independent mistakes.
  let lastErrorLine = -1;
  // A lexical error (an unterminated string swallowing the line) makes parse errors on its line noise.
  const lexicalErrorLines = new Set(diagnostics.map((d) => source.position(d.primary.span.start).line));
  let rest = tokens;
  parser.recoveryBudget = maxRecoveries;
  // The grammar's top level is `item*`; on input it cannot start an item with, the parser
  // stops. Report that, skip to the next token that starts a declaration, and go on, so
  // one run reports independent errors across the whole file.
  for (let round = 0; round < tokens.length + 1; round++) {
    parser.input = rest;
    // Chevrotain builds an Error, stack trace included, for every mismatch it recovers from;
    // a 20,000-term chain of mistakes made that capture most of a 5 s check. Recovery never
    // reads the stacks, so none is captured while parsing.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let halted = false;
    try {
      parser.module();
    } catch (error) {
      if (!(error instanceof ParseHalted)) {
        // The nesting limits above should make this unreachable; if not, it is a bug to report, not a crash.
        diagnostics.push(diagnostic('internalError', { detail: `the parser failed: ${String(error)}` }, source, { start: 0, end: 0 }));
        break;
      }
      halted = true;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    let leftover: IToken | undefined;
    let previousWasLeftover = true;
    for (const error of parser.errors) {
      const info = JSON.parse(error.message) as ParseErrorInfo;
      const isLeftover = info.kind === 'notAllInput' || (info.kind === 'mismatch' && info.expectedName === 'EOF');
      // Chevrotain recovers at the top level by itself and reports each stretch of input it
      // could not start a declaration with. Such a stretch right after another error is
      // usually that error's fallout, so it is not reported again.
      if (isLeftover) leftover = error.token;
      if (isLeftover && !previousWasLeftover) continue;
      previousWasLeftover = isLeftover;
      if (error.token.startOffset <= lastErrorOffset && error.token.tokenType !== EOF) continue;
      const d = isLeftover ? unexpectedAtTop(source, error.token) : syntaxError(source, tokens, error, info);
      const line = source.position(d.primary.span.start).line;
      if (line === lastErrorLine || lexicalErrorLines.has(line)) continue;
      lastErrorOffset = error.token.startOffset;
      lastErrorLine = line;
      syntax.push(d);
    }
    if (halted) {
      const last = parser.errors[parser.errors.length - 1]?.token;
      const at = last !== undefined && last.tokenType !== EOF ? tokenSpan(last) : { start: source.text.length, end: source.text.length };
      syntax.push(
        diagnostic('tooManyErrors', { count: String(syntax.length) }, source, at, {
          label: `the parser stopped here, after recovering from ${maxRecoveries} errors`,
        }),
      );
      break;
    }
    // If recovery gave up (no declaration was parsed after the last leftover), skip to the
    // next token that starts one and parse again from there.
    if (leftover === undefined || leftover.tokenType === EOF || builder.lastItemStart > leftover.startOffset) break;
    const at = rest.indexOf(leftover);
    let next = at + 1;
    while (next < rest.length && !itemStarts.has(rest[next]!.tokenType)) next++;
    if (next >= rest.length) break;
    rest = rest.slice(next);
  }
  diagnostics.push(...syntax);
  // The parser outlives this file; it should not keep its tree alive.
  parser.builder = undefined;
  parser.text = '';
  parser.recoveryBudget = Number.POSITIVE_INFINITY;

  const module = builder.module();
  diagnostics.push(...builder.diagnostics);
  diagnostics.sort((a, b) => a.primary.span.start - b.primary.span.start);
  if (diagnostics.length > maxSyntaxErrors) {
    const last = diagnostics[maxSyntaxErrors]!;
    diagnostics.length = maxSyntaxErrors;
    diagnostics.push(diagnostic('tooManyErrors', { count: String(maxSyntaxErrors) }, source, last.primary.span));
  }
  if (module.pragma === null && module.items.length > 0 && !hasErrors(diagnostics)) {
    const first = module.items[0]!.span;
    const at = { start: first.start, end: first.start };
    diagnostics.push(
      diagnostic('missingPragma', {}, source, at, {
        label: 'expected `bird 1` before this',
        suggestions: [{ source, span: at, replacement: 'bird 1\n\n', message: 'insert `bird 1`' }],
      }),
    );
  }
  attachComments(module, lexed.groups['comments'] ?? [], source.text);
  return { module, diagnostics };
}

/**
 * Unclosed strings and malformed numbers: tokens that parse as strings and numbers but are
 * errors. (Per-token loops are index loops in small functions, which get optimized, unlike
 * `parse`, which runs once per file.)
 */
function malformedTokens(tokens: readonly IToken[]): IToken[] {
  const found: IToken[] = [];
  const unterminated = T.UnterminatedString;
  const bad = T.BadNumber;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (type === unterminated || type === bad) found.push(tokens[i]!);
  }
  return found;
}

/** Deeper bracket nesting than this is refused (see `parse`). */
export const maxNesting = 64;

const prefixOperators: ReadonlySet<TokenType> = new Set([T.Minus, T.Plus, T.Not]);

/** The index of the first bracket, or prefix operator in a run, beyond `maxNesting`. */
function firstTooDeep(tokens: readonly IToken[]): number | undefined {
  let depth = 0;
  let prefixRun = 0;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    prefixRun = prefixOperators.has(type) ? prefixRun + 1 : 0;
    if (prefixRun > maxNesting) return i;
    if (T.delimiterPairs.has(type)) {
      depth++;
      if (depth > maxNesting) return i;
    } else if (closers.has(type)) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

function lexError(source: SourceFile, e: ILexingError): Diagnostic {
  const ch = source.text.codePointAt(e.offset) ?? 0;
  // Control characters and the backtick itself are named by code point: they cannot be quoted.
  const shown =
    ch < 32 || ch === 0x7f || ch === 0x60 ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}` : `\`${String.fromCodePoint(ch)}\``;
  const width = ch > 0xffff ? 2 : 1;
  return diagnostic('unexpectedCharacter', { char: shown }, source, { start: e.offset, end: e.offset + width });
}

function errorToken(source: SourceFile, t: IToken): Diagnostic {
  if (t.tokenType === T.UnterminatedString)
    return diagnostic('unterminatedString', {}, source, tokenSpan(t), { label: 'this string is never closed' });
  if (t.tokenType === T.UnterminatedComment)
    return diagnostic(
      'unterminatedBlockComment',
      {},
      source,
      { start: t.startOffset, end: t.startOffset + 2 },
      { label: 'comment starts here' },
    );
  if (t.tokenType === T.BadNumber) return diagnostic('invalidNumber', { text: `\`${t.image}\`` }, source, tokenSpan(t));
  return diagnostic('internalError', { detail: `unexpected error token ${t.tokenType.name}` }, source, tokenSpan(t));
}

/** The innermost delimiter still open just before token index `upTo`. */
function unclosedOpener(tokens: readonly IToken[], upTo: number): IToken | undefined {
  const stack: IToken[] = [];
  for (let i = 0; i < upTo && i < tokens.length; i++) {
    const t = tokens[i]!;
    if (T.delimiterPairs.has(t.tokenType)) stack.push(t);
    else {
      const opener = closers.get(t.tokenType);
      if (opener && stack[stack.length - 1]?.tokenType === opener) stack.pop();
    }
  }
  return stack[stack.length - 1];
}

/**
 * Where to point for an error at `found`: at it, unless it starts a later line than the
 * token before it; then just after that token, where the missing text belongs.
 */
function errorSpan(source: SourceFile, tokens: readonly IToken[], found: IToken): { span: Span; beforeIndex: number; atLineEnd: boolean } {
  const index = found.tokenType === EOF ? tokens.length : tokenIndex(tokens, found);
  const previous = index > 0 ? tokens[index - 1] : undefined;
  if (previous && (found.tokenType === EOF || source.position(previous.startOffset).line < source.position(found.startOffset).line)) {
    const end = previous.startOffset + previous.image.length;
    return { span: { start: end, end: end }, beforeIndex: index, atLineEnd: true };
  }
  if (found.tokenType === EOF) return { span: { start: source.text.length, end: source.text.length }, beforeIndex: index, atLineEnd: true };
  return { span: tokenSpan(found), beforeIndex: index, atLineEnd: false };
}

/**
 * The position of `found` in `tokens`, by binary search on the start offset (tokens are in
 * text order): a linear search per error made a file with thousands of errors quadratic. -1
 * where it is not there, as `indexOf` says.
 */
function tokenIndex(tokens: readonly IToken[], found: IToken): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const offset = tokens[mid]!.startOffset;
    if (offset === found.startOffset) return tokens[mid] === found ? mid : tokens.indexOf(found);
    if (offset < found.startOffset) lo = mid + 1;
    else hi = mid - 1;
  }
  // Not in the input (as `indexOf` would say).
  return -1;
}

/** What a `{ ... }` may hold, by the rule that failed to find its `}`. */
const containerContents: Readonly<Record<string, string>> = {
  body: 'a statement',
  fieldList: 'a field such as `name : kind`',
  signatureDecl: '`inputs`, `outputs`',
  importDecl: 'a name to import',
};

function syntaxError(source: SourceFile, tokens: readonly IToken[], error: IRecognitionException, info: ParseErrorInfo): Diagnostic {
  const found = error.token;
  const where = errorSpan(source, tokens, found);
  const foundText = describeFound(found);
  const rule = error.context.ruleStack[error.context.ruleStack.length - 1] ?? '';
  const contents = containerContents[rule];
  // A token that can neither continue the braces' contents nor start a declaration is a
  // mistake inside them, not a missing `}`.
  if (
    info.kind === 'mismatch' &&
    info.expectedName === 'RBrace' &&
    contents !== undefined &&
    found.tokenType !== EOF &&
    !itemStarts.has(found.tokenType)
  ) {
    return diagnostic('expectedToken', { expected: `${contents} or \`}\``, found: foundText }, source, tokenSpan(found), {
      label: `expected ${contents} or \`}\``,
    });
  }
  if (info.kind === 'mismatch') {
    const closerType = [...closers.keys()].find((c) => c.name === info.expectedName);
    if (closerType) {
      const opener = unclosedOpener(tokens, where.beforeIndex);
      if (opener && T.delimiterPairs.get(opener.tokenType) === closerType) {
        const secondary = secondaryLabel('unclosedOpener', { open: opener.tokenType.LABEL ?? '' }, source, tokenSpan(opener));
        const startsValue = !where.atLineEnd && valueStarts.has(found.tokenType) && opener.tokenType !== T.LBrace;
        return diagnostic('unclosedDelimiter', { close: info.expected, open: opener.tokenType.LABEL ?? '' }, source, where.span, {
          label: where.atLineEnd ? `expected ${info.expected} here` : `expected ${info.expected}, found ${foundText}`,
          secondary: [secondary],
          ...(startsValue ? { help: `add ${info.expected}, or \`,\` if ${foundText} starts another item` } : {}),
        });
      }
    }
    return diagnostic('expectedToken', { expected: info.expected, found: foundText }, source, where.span, {
      label: `expected ${info.expected}`,
      ...hintFor(source, info.expected, found),
    });
  }
  if (info.kind === 'notAllInput') return unexpectedAtTop(source, found);
  const described = ruleDescriptions[info.rule] ?? oneOf(info.expected);
  return diagnostic('expectedConstruct', { expected: described, found: foundText }, source, where.span, {
    label: `expected ${described.replace(/ \(.*\)$/, '')}`,
    ...hintFor(source, described, found),
  });
}

function unexpectedAtTop(source: SourceFile, found: IToken): Diagnostic {
  const opener = closers.get(found.tokenType);
  if (opener)
    return diagnostic('unmatchedCloser', { close: found.tokenType.LABEL ?? found.image }, source, tokenSpan(found), {
      label: 'unexpected closing delimiter',
    });
  const described = ruleDescriptions['item']!;
  return diagnostic('expectedConstruct', { expected: described, found: describeFound(found) }, source, tokenSpan(found), {
    label: 'expected a declaration',
    ...hintFor(source, described, found),
  });
}

function oneOf(expected: readonly string[]): string {
  if (expected.length === 0) return 'something else';
  if (expected.length === 1) return expected[0]!;
  return `one of ${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]!}`;
}

/** Specific advice for mistakes people make often. */
function hintFor(source: SourceFile, expected: string, found: IToken): Pick<DiagnosticExtras, 'help' | 'suggestions'> {
  if (found.tokenType === T.Equals && (expected.includes('expression') || expected === '`{`')) {
    return {
      help: 'to compare values use `==`',
      suggestions: [{ source, span: tokenSpan(found), replacement: '==', message: 'replace `=` with `==`' }],
    };
  }
  if (/^(let|var|val)$/.test(found.image))
    return { help: `Bird has no \`${found.image}\`: write \`name = value\` in a body, or \`const NAME = value\` at the top level` };
  if (/^(def|fn|func|function)$/.test(found.image))
    return { help: 'declare a reusable piece of network with `block Name(x: f32[B, D]) -> f32[B, 1] { ... }`' };
  return {};
}
