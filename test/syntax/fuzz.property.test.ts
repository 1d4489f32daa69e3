/**
 * Property-based fuzzing of the parser and the printer.
 *
 *  (a) random token streams (and deeply nested ones) parse without throwing, within a
 *      time bound, and every diagnostic span lies inside the text;
 *  (b) mutations of valid files (token deletion, duplication, swaps, truncation, random
 *      bytes and unicode) satisfy the same;
 *  (c) whatever parses without errors prints to text that parses without errors, and
 *      printing is idempotent: print(parse(print(x))) === print(x);
 *  (d) beyond that, printing keeps the tree (modulo spans and trivia) and every comment.
 *
 * Runs are reproducible: the seed is fixed (override with FUZZ_SEED=n) and fast-check
 * reports the seed and path of a failure. FUZZ_SCALE=n multiplies every run count, for
 * a longer local session. Every failure message carries the offending input as a JSON
 * string. A parse or print that hangs for HANG_LIMIT_MS is reported (input on stderr) by a
 * watchdog thread, which then kills the process, since a busy thread cannot be interrupted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { hasErrors, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import type { Span } from '../../src/source/span.js';
import type { Module } from '../../src/syntax/ast.js';
import { birdLexer } from '../../src/syntax/lexer.js';
import { parse, type ParseResult } from '../../src/syntax/parse.js';
import { print } from '../../src/syntax/printer.js';
import { visit } from '../../src/syntax/visitor.js';
import { stripSpans } from '../helpers/stripSpans.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed_b1d);
const SCALE = Math.max(0.01, Number(process.env['FUZZ_SCALE'] ?? 1));
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));
const params = (numRuns: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns: runs(numRuns) });

/** Per-input bound on one parse (or print) call. */
const TIME_LIMIT_MS = 2000;
/** A call still running after this long is a hang: the watchdog reports it and kills the process. */
const HANG_LIMIT_MS = 30_000;

const root = join(import.meta.dirname, '..', '..');

// ---- the watchdog -------------------------------------------------------------------

/**
 * A synchronous infinite loop blocks the event loop, so neither jest's timeout nor
 * fast-check can report it. The current input is copied into shared memory before each
 * call; a worker thread that sees one call run longer than HANG_LIMIT_MS writes that
 * input straight to fd 2 and kills the process.
 */
const MAX_WATCHED_CHARS = 1 << 18;
const watchState = new Int32Array(new SharedArrayBuffer(4 * 3)); // [generation, busy, length]
const watchText = new Uint16Array(new SharedArrayBuffer(2 * MAX_WATCHED_CHARS));
let watchdog: Worker | undefined;

const watchdogSource = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { state, text, limitMs } = workerData;
let seen = -1;
let since = Date.now();
setInterval(() => {
  const generation = Atomics.load(state, 0);
  if (Atomics.load(state, 1) === 0 || generation !== seen) { seen = generation; since = Date.now(); return; }
  if (Date.now() - since < limitMs) return;
  const length = Atomics.load(state, 2);
  let input = '';
  for (let i = 0; i < length; i++) input += String.fromCharCode(text[i]);
  fs.writeSync(2, '\\n[fuzz watchdog] a parse/print call has been running for ' + (Date.now() - since) + ' ms: a hang.\\n' +
    '[fuzz watchdog] input (JSON, first ' + length + ' chars): ' +
    JSON.stringify(input).replace(/[^\\x20-\\x7e]/g, (c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 250);
`;

function guarded<T>(text: string, fn: () => T): T {
  const length = Math.min(text.length, MAX_WATCHED_CHARS);
  for (let i = 0; i < length; i++) watchText[i] = text.charCodeAt(i);
  Atomics.store(watchState, 2, length);
  Atomics.add(watchState, 0, 1);
  Atomics.store(watchState, 1, 1);
  try {
    return fn();
  } finally {
    Atomics.store(watchState, 1, 0);
  }
}

beforeAll(() => {
  watchdog = new Worker(watchdogSource, { eval: true, workerData: { state: watchState, text: watchText, limitMs: HANG_LIMIT_MS } });
  watchdog.unref();
  // Build the lexer and the parser (grammar analysis) once, outside any timed call.
  parse(new SourceFile('warmup.bird', readFileSync(join(root, 'test', 'fixtures', 'brief.bird'), 'utf8')));
});

afterAll(async () => {
  await watchdog?.terminate();
});

// ---- checks ---------------------------------------------------------------------------

/**
 * The input as a JSON string with every code unit outside printable ASCII escaped, so CR,
 * NUL, U+2028, no-break spaces, lone surrogates and trailing blanks are visible and the
 * text can be pasted back into a test.
 */
function show(text: string): string {
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

function spanProblem(span: Span | undefined, length: number): string | null {
  if (!span) return 'missing span';
  const { start, end } = span;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > length) {
    return `span ${JSON.stringify(span)} violates 0 <= start <= end <= ${length}`;
  }
  return null;
}

function diagnosticSpanProblems(diagnostics: readonly Diagnostic[], text: string): string[] {
  const problems: string[] = [];
  for (const d of diagnostics) {
    const p = spanProblem(d.primary.span, text.length);
    if (p) problems.push(`${d.code} "${d.message}": primary ${p}`);
    d.secondary.forEach((s, i) => {
      const q = spanProblem(s.span, s.source === d.primary.source ? text.length : s.source.text.length);
      if (q) problems.push(`${d.code} "${d.message}": secondary[${i}] ${q}`);
    });
  }
  return problems;
}

/** Properties (a) and (b): no exception, within the time bound, diagnostic spans in range. */
function checkedParse(text: string, property: string): ParseResult {
  const source = new SourceFile('fuzz.bird', text);
  const t0 = performance.now();
  let result: ParseResult;
  try {
    result = guarded(text, () => parse(source));
  } catch (e) {
    throw new Error(`${property}: parse threw\ninput: ${show(text)}\n${describeError(e)}`);
  }
  const ms = performance.now() - t0;
  if (ms > TIME_LIMIT_MS) {
    throw new Error(
      `${property}: parse took ${ms.toFixed(0)} ms (limit ${TIME_LIMIT_MS} ms) on ${text.length} chars\ninput: ${show(text)}`,
    );
  }
  const problems = diagnosticSpanProblems(result.diagnostics, text);
  if (problems.length > 0) throw new Error(`${property}: diagnostic span out of range\ninput: ${show(text)}\n${problems.join('\n')}`);
  return result;
}

/** Every AST node's span (and the pragma's version span) lies inside the text. */
function checkAstSpans(module: Module, text: string, property: string): void {
  const problems: string[] = [];
  visit(module, {
    enter(node) {
      const p = spanProblem(node.span, text.length);
      if (p) problems.push(`${node.kind}: ${p}`);
      if (node.kind === 'Pragma') {
        const q = spanProblem(node.versionSpan, text.length);
        if (q) problems.push(`Pragma.versionSpan: ${q}`);
      }
    },
  });
  if (problems.length > 0) throw new Error(`${property}: AST span out of range\ninput: ${show(text)}\n${problems.slice(0, 10).join('\n')}`);
}

function checkedPrint(module: Module, text: string, property: string): string {
  const t0 = performance.now();
  let printed: string;
  try {
    printed = guarded(text, () => print(module));
  } catch (e) {
    throw new Error(`${property}: print threw\ninput: ${show(text)}\n${describeError(e)}`);
  }
  const ms = performance.now() - t0;
  if (ms > TIME_LIMIT_MS) throw new Error(`${property}: print took ${ms.toFixed(0)} ms (limit ${TIME_LIMIT_MS} ms)\ninput: ${show(text)}`);
  return printed;
}

/** The first differing line of two texts, with context, for failure messages. */
function lineDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  let i = 0;
  while (i < al.length && i < bl.length && al[i] === bl[i]) i++;
  const from = Math.max(0, i - 3);
  const out: string[] = [`first difference at line ${i + 1}:`];
  for (let k = from; k < i; k++) out.push(`  ${JSON.stringify(al[k])}`);
  for (let k = i; k < Math.min(al.length, i + 4); k++) out.push(`- ${JSON.stringify(al[k])}`);
  for (let k = i; k < Math.min(bl.length, i + 4); k++) out.push(`+ ${JSON.stringify(bl[k])}`);
  return out.join('\n');
}

/**
 * Property (c), applied only when `first` has no error diagnostics: the printed text
 * parses without errors and printing it again gives the same text. Returns the second
 * parse and the printed text, or null when the precondition does not hold.
 */
function checkRoundTrip(text: string, first: ParseResult, property: string): { printed: string; second: ParseResult } | null {
  if (hasErrors(first.diagnostics)) return null;
  const printed = checkedPrint(first.module, text, property);
  const second = checkedParse(printed, `${property} (re-parsing the printed text)`);
  if (hasErrors(second.diagnostics)) {
    throw new Error(
      `${property}: the printed text does not parse cleanly\ninput: ${show(text)}\nprinted: ${show(printed)}\n` +
        `diagnostics on the printed text:\n${renderDiagnostics(second.diagnostics)}`,
    );
  }
  const reprinted = checkedPrint(second.module, printed, property);
  if (reprinted !== printed) {
    throw new Error(
      `${property}: printing is not idempotent, print(parse(print(x))) !== print(x)\ninput: ${show(text)}\n` +
        `print(x): ${show(printed)}\nprint(parse(print(x))): ${show(reprinted)}\n${lineDiff(printed, reprinted)}`,
    );
  }
  return { printed, second };
}

/** Comment texts as the lexer sees them, with trailing blanks before line breaks dropped (the printer trims those). */
function commentsOf(text: string): string[] {
  const comments = birdLexer().tokenize(text).groups['comments'] ?? [];
  return comments.map((t) => t.image.replace(/[ \t]+(?=[\r\n\u2028\u2029]|$)/g, '')).sort();
}

/** Property (d): the re-parsed tree equals the original (modulo spans and trivia), and no comment is lost or altered. */
function checkPreserved(text: string, first: ParseResult, property: string): void {
  const round = checkRoundTrip(text, first, property);
  if (!round) return;
  const before = JSON.stringify(stripSpans(first.module));
  const after = JSON.stringify(stripSpans(round.second.module));
  if (before !== after) {
    throw new Error(
      `${property}: print changed the tree\ninput: ${show(text)}\nprinted: ${show(round.printed)}\n` +
        `tree of input:   ${before.slice(0, 4000)}\ntree of printed: ${after.slice(0, 4000)}`,
    );
  }
  const cIn = commentsOf(text);
  const cOut = commentsOf(round.printed);
  if (JSON.stringify(cIn) !== JSON.stringify(cOut)) {
    throw new Error(
      `${property}: print lost or changed comments\ninput: ${show(text)}\nprinted: ${show(round.printed)}\ncomments in:  ${show(cIn.join(' | '))}\ncomments out: ${show(cOut.join(' | '))}`,
    );
  }
}

// ---- corpus ---------------------------------------------------------------------------

interface CorpusFile {
  readonly name: string;
  readonly text: string;
}

function findInputs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => p.split(/[\\/]/).pop() === 'input.bird')
    .map((p) => join(dir, p));
}

const corpusPaths = [
  ...findInputs(join(root, 'test', 'cases')),
  ...(existsSync(join(root, 'models'))
    ? readdirSync(join(root, 'models'))
        .filter((f) => f.endsWith('.bird'))
        .map((f) => join(root, 'models', f))
    : []),
  join(root, 'test', 'fixtures', 'brief.bird'),
];
const allFiles: CorpusFile[] = corpusPaths.map((p) => ({ name: relative(root, p), text: readFileSync(p, 'utf8') }));
/** The files that parse without errors: the "valid files" to mutate. Smallest first, so shrinking prefers them. */
const validFiles: CorpusFile[] = allFiles
  .filter((f) => !hasErrors(parse(new SourceFile(f.name, f.text)).diagnostics))
  .sort((a, b) => a.text.length - b.text.length);

// ---- vocabulary -----------------------------------------------------------------------

const KEYWORDS = [
  'import',
  'block',
  'const',
  'signature',
  'for',
  'in',
  'if',
  'else',
  'return',
  'out',
  'and',
  'or',
  'not',
  'true',
  'false',
  'bird',
  'features',
  'labels',
  'model',
  'train',
  'inputs',
  'outputs',
  'as',
];
const PUNCTUATION = [
  '|>',
  '->',
  '..',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '@',
  '.',
  ',',
  ':',
  ';',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
];
const IDENTIFIERS = [
  'x',
  'h',
  'e',
  'f',
  'w',
  'B',
  'D',
  'Flight',
  'relu',
  'dense',
  'mlp',
  'f32',
  'int',
  'std',
  'nn',
  '_',
  'a_1',
  'delayed',
  'inputsx',
  'outx',
  'birds',
];
const NUMBERS = [
  '0',
  '1',
  '2',
  '24',
  '1_000',
  '1.5',
  '1e-3',
  '2E+2',
  '0.5',
  '1.0.0',
  '2.1.0-rc.1+build.7',
  '12abc',
  '1__0',
  '_1',
  '1_',
  '0x1F',
  '1e',
  '1.',
  '9007199254740993',
  '1e999',
  '00',
  '1_e3',
];
const STRINGS = [
  '""',
  '"abc"',
  '"a\\"b"',
  '"\\u{1F426}"',
  '"\\q"',
  '"\\u{110000}"',
  '"\\u{"',
  '"\\u"',
  '"\\u{}"',
  '"unterminated',
  '"\\',
  '"🐦"',
  '"\\u{D800}"',
  '"tab\\t"',
  '"./p.bird"',
];
const COMMENTS = ['// c\n', '/* c */', '/* unterminated', '/**/', '/* multi\nline */', '//', '/*/', '*/', '/* a */ /* b */', '// \r'];
const SPACES = ['\n', '\r\n', '\r', ' ', '\t', '\u00a0', '\ufeff', '\f', '\v', '\n\n'];
const ODD = [
  '#',
  '$',
  '?',
  '!',
  '&',
  '|',
  '~',
  '`',
  "'",
  '\\',
  '\0',
  '🐦',
  '\ud800',
  '\udc00',
  '\u2028',
  '\u2029',
  '\u0085',
  'é',
  '€',
  '𝕏',
  '\u200b',
  '\u{10FFFF}',
];
/** Pieces of real declarations, so random streams also reach deep into the grammar. */
const FRAGMENTS = [
  'bird 1\n',
  'features F {',
  'labels F {',
  'model M(f: F) {',
  'x : continuous',
  'y : binary(downsample_neg: 0.5)',
  '|> hash(bits: 12)',
  'signature s @ 1.0.0 {',
  'signature s @ 1.0.0 for M {',
  'inputs f',
  'outputs p as score',
  'h = dense(x, 3)',
  'train M {',
  'block B(x: f32[B, D], w: int[] = [1]) -> f32[B, 1] {',
  'for w in widths {',
  'if x == 1 {',
  '} else {',
  '} else if y {',
  'return h',
  'out p = sigmoid(h)',
  'out p',
  'import std.nn { mlp, dense as fc }',
  'import "./x.bird"',
  'const X: int = 3',
  'x[:, 1:, ::2]',
  'f(a, b: 2,)',
  '[1, 2,]',
  'a |> f |> g(1)',
  '-x ^ 2',
  'not a and b or c',
  '0..n',
  'early_stop(metric: auc, patience: 2)',
];

const tokenArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...KEYWORDS), weight: 6 },
  { arbitrary: fc.constantFrom(...PUNCTUATION), weight: 10 },
  { arbitrary: fc.constantFrom(...IDENTIFIERS), weight: 6 },
  { arbitrary: fc.constantFrom(...NUMBERS), weight: 3 },
  { arbitrary: fc.constantFrom(...STRINGS), weight: 2 },
  { arbitrary: fc.constantFrom(...COMMENTS), weight: 2 },
  { arbitrary: fc.constantFrom(...SPACES), weight: 2 },
  { arbitrary: fc.constantFrom(...ODD), weight: 1 },
  { arbitrary: fc.constantFrom(...FRAGMENTS), weight: 4 },
);
const separatorArb = fc.constantFrom(' ', ' ', ' ', ' ', '', '\n');

function tokenStream(maxLength: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.boolean(), fc.array(fc.tuple(tokenArb, separatorArb), { maxLength, size: 'max' }))
    .map(([pragma, parts]) => (pragma ? 'bird 1\n' : '') + parts.map(([t, s]) => t + s).join(''));
}

/** Random text of the kinds a corrupted or hostile file holds. */
const junkArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }), // any code point, astral included
  fc.string({ unit: 'binary-ascii', maxLength: 6 }), // control characters, NUL, DEL, latin-1
  fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')), // raw bytes, one char each
  fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('utf8')), // raw bytes read as UTF-8 (U+FFFD)
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 4 }).map((cs) => String.fromCharCode(...cs)), // lone surrogates too
  fc.constantFrom(...ODD, ...SPACES, '\r', '\0', '"', '\\', '/*', '*/', '//', '{', '}', '(', ')', '[', ']'),
);

// ---- mutations ------------------------------------------------------------------------

interface Piece {
  readonly text: string;
}

/** The file as lexer tokens and the text between them, so joining the pieces gives it back. */
function piecesOf(text: string): Piece[] {
  const lexed = birdLexer().tokenize(text);
  const tokens = [...lexed.tokens, ...Object.values(lexed.groups).flat()].sort((a, b) => a.startOffset - b.startOffset);
  const pieces: Piece[] = [];
  let at = 0;
  for (const t of tokens) {
    if (t.startOffset < at) continue;
    if (t.startOffset > at) pieces.push({ text: text.slice(at, t.startOffset) });
    pieces.push({ text: t.image });
    at = t.startOffset + t.image.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

type Mutation =
  | { readonly op: 'delete'; readonly at: number; readonly count: number }
  | { readonly op: 'duplicate'; readonly at: number }
  | { readonly op: 'swap'; readonly at: number; readonly with: number }
  | { readonly op: 'replace'; readonly at: number; readonly text: string }
  | { readonly op: 'insertToken'; readonly at: number; readonly text: string }
  | { readonly op: 'insertJunk'; readonly at: number; readonly offset: number; readonly text: string }
  | { readonly op: 'truncate'; readonly offset: number };

const posArb = fc.nat({ max: 1 << 20 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: posArb, count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: posArb }),
  fc.record({ op: fc.constant('swap' as const), at: posArb, with: posArb }),
  fc.record({ op: fc.constant('replace' as const), at: posArb, text: tokenArb }),
  fc.record({ op: fc.constant('insertToken' as const), at: posArb, text: tokenArb }),
  fc.record({ op: fc.constant('insertJunk' as const), at: posArb, offset: posArb, text: junkArb }),
  fc.record({ op: fc.constant('truncate' as const), offset: posArb }),
);

function applyMutations(text: string, mutations: readonly Mutation[]): string {
  let pieces = piecesOf(text).map((p) => p.text);
  let truncateAt: number | null = null;
  for (const m of mutations) {
    const n = pieces.length;
    if (m.op === 'truncate') {
      truncateAt = m.offset;
      continue;
    }
    if (n === 0) {
      if (m.op === 'insertToken' || m.op === 'insertJunk' || m.op === 'replace') pieces = [m.text];
      continue;
    }
    const i = m.at % n;
    switch (m.op) {
      case 'delete':
        pieces.splice(i, m.count);
        break;
      case 'duplicate':
        pieces.splice(i, 0, pieces[i]!);
        break;
      case 'swap': {
        const j = m.with % n;
        [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
        break;
      }
      case 'replace':
        pieces[i] = m.text;
        break;
      case 'insertToken':
        pieces.splice(i, 0, ` ${m.text} `);
        break;
      case 'insertJunk': {
        const p = pieces[i]!;
        const o = m.offset % (p.length + 1);
        pieces[i] = p.slice(0, o) + m.text + p.slice(o);
        break;
      }
    }
  }
  const out = pieces.join('');
  return truncateAt === null ? out : out.slice(0, truncateAt % (out.length + 1));
}

const fileArb = (files: readonly CorpusFile[]): fc.Arbitrary<CorpusFile> => fc.constantFrom(...files);

/** A valid file and a few mutations applied to it. */
const mutatedArb: fc.Arbitrary<{ file: string; text: string }> = fc
  .tuple(fileArb(validFiles.length > 0 ? validFiles : allFiles), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
  .map(([f, ms]) => ({ file: f.name, text: applyMutations(f.text, ms) }));

// Mutations that keep a file valid as a rule but move comments, blank lines and separators
// around, for the printer properties.
const triviaArb = fc.constantFrom(
  '// c\n',
  ' // trailing\n',
  '/* c */',
  ' /* c */ ',
  '/* two\n   lines */',
  '\n',
  '\n\n',
  '\n\n\n',
  ' ',
  '\t',
  '\r\n',
  ';',
  '; ',
  '\n// a\n// b\n',
  '/**/',
  '//\n',
  '/* 🐦 */',
  '// é\u2028x\n',
);
const triviaMutatedArb: fc.Arbitrary<{ file: string; text: string }> = fc
  .tuple(fileArb(validFiles), fc.array(fc.tuple(posArb, triviaArb), { minLength: 1, maxLength: 6 }))
  .map(([f, inserts]) => {
    const pieces = piecesOf(f.text).map((p) => p.text);
    for (const [at, t] of inserts) pieces.splice(at % (pieces.length + 1), 0, t);
    return { file: f.name, text: pieces.join('') };
  });

// ---- a generator of (mostly) valid programs --------------------------------------------

/** Binding strength as in the grammar, weakest first; a printed expression and its level. */
const P = {
  Pipe: 1,
  Or: 2,
  And: 3,
  Not: 4,
  Comparison: 5,
  Range: 6,
  Additive: 7,
  Multiplicative: 8,
  Unary: 9,
  Power: 10,
  Postfix: 11,
} as const;
interface Ex {
  readonly text: string;
  readonly prec: number;
}

/** Adds the parentheses the grammar needs, or redundant ones when `extra`. */
const wrap = (e: Ex, min: number, extra = false): string => (e.prec < min || extra ? `(${e.text})` : e.text);
const extraParen = fc.integer({ min: 0, max: 7 }).map((n) => n === 0);

const NAMES = [
  'x',
  'h',
  'e',
  'w',
  'k',
  'f',
  'depth',
  'widths',
  'relu',
  'dense',
  'mlp',
  'concat',
  'sigmoid',
  'a_1',
  '_tmp',
  'labels',
  'model',
  'features',
  'train',
  'inputs',
  'outputs',
  'bird',
  'as',
  'delayed',
  'Tower',
];
const nameArb = fc.constantFrom(...NAMES);
const numberArb = fc.oneof(
  fc.constantFrom('0', '1', '2', '24', '1_000', '1.5', '1e-3', '2E+2', '0.5', '3.0', '1_000.000_1', '007'),
  fc.nat({ max: 100000 }).map(String),
  fc
    .double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })
    .map((d) => String(d))
    .filter((s) => /^\d+(\.\d+)?(e[+-]?\d+)?$/.test(s)),
);
/** String literal bodies: plain text, escapes, and any unicode that may stand in a string. */
const stringArb = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom('a', 'b', ' ', 'abc', 'x y', '.', '/', '#'), weight: 4 },
      { arbitrary: fc.constantFrom('\\n', '\\t', '\\r', '\\0', '\\\\', '\\"', '\\u{1F426}', '\\u{41}', '\\u{10FFFF}'), weight: 2 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 3 }).map((s) => s.replace(/["\\\r\n]/g, '')), weight: 2 },
      {
        arbitrary: fc.constantFrom(
          '🐦',
          'é',
          '\u2028',
          '\u2029',
          '\u0085',
          '\t',
          '\u00a0',
          '\ufeff',
          '\0',
          '\u200b',
          ' \u2028',
          '\t\u2029',
        ),
        weight: 1,
      },
    ),
    { maxLength: 5 },
  )
  .map((parts) => `"${parts.join('')}"`);

const atomArb: fc.Arbitrary<Ex> = fc.oneof(
  { arbitrary: nameArb.map((text) => ({ text, prec: P.Postfix })), weight: 5 },
  { arbitrary: numberArb.map((text) => ({ text, prec: P.Postfix })), weight: 3 },
  { arbitrary: stringArb.map((text) => ({ text, prec: P.Postfix })), weight: 1 },
  { arbitrary: fc.constantFrom('true', 'false').map((text) => ({ text, prec: P.Postfix })), weight: 1 },
);

const BINARY: readonly { op: string; prec: number; assoc: 'left' | 'none' | 'right' }[] = [
  { op: 'or', prec: P.Or, assoc: 'left' },
  { op: 'and', prec: P.And, assoc: 'left' },
  ...['==', '!=', '<', '<=', '>', '>='].map((op) => ({ op, prec: P.Comparison, assoc: 'none' as const })),
  { op: '..', prec: P.Range, assoc: 'none' },
  ...['+', '-'].map((op) => ({ op, prec: P.Additive, assoc: 'left' as const })),
  ...['*', '/', '%', '@'].map((op) => ({ op, prec: P.Multiplicative, assoc: 'left' as const })),
  { op: '^', prec: P.Power, assoc: 'right' },
];

const sepArb = fc.constantFrom(', ', ', ', ',\n  ', ',', ' , ');
const trailingCommaArb = fc.constantFrom('', '', ',');

const { expr: exprArb, post: postArb } = fc.letrec<{ expr: Ex; post: Ex; arg: string; index: string }>((tie) => ({
  expr: fc.oneof(
    { depthIdentifier: 'expr', depthSize: 'small', maxDepth: 5 },
    { arbitrary: tie('post'), weight: 4 },
    {
      arbitrary: fc.tuple(tie('expr'), fc.constantFrom(...BINARY), tie('expr'), extraParen, extraParen).map(([l, b, r, pl, pr]): Ex => {
        const lmin = b.assoc === 'left' ? b.prec : b.assoc === 'right' ? P.Postfix : b.prec + 1;
        const rmin = b.assoc === 'right' ? P.Unary : b.prec + 1;
        const space = b.op === '..' ? '' : ' ';
        return { text: `${wrap(l, lmin, pl)}${space}${b.op}${space}${wrap(r, rmin, pr)}`, prec: b.prec };
      }),
      weight: 3,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom('-', '+', '- '), tie('expr'), extraParen)
        .map(([op, e, p]): Ex => ({ text: `${op}${wrap(e, P.Unary, p)}`, prec: P.Unary })),
      weight: 1,
    },
    { arbitrary: fc.tuple(tie('expr'), extraParen).map(([e, p]): Ex => ({ text: `not ${wrap(e, P.Not, p)}`, prec: P.Not })), weight: 1 },
    {
      arbitrary: fc
        .tuple(tie('expr'), tie('post'), fc.constantFrom(' |> ', '\n  |> ', '|>'))
        .map(([i, s, sep]): Ex => ({ text: `${wrap(i, P.Pipe)}${sep}${wrap(s, P.Postfix)}`, prec: P.Pipe })),
      weight: 1,
    },
  ),
  post: fc.oneof(
    { depthIdentifier: 'expr', depthSize: 'small', maxDepth: 5 },
    { arbitrary: atomArb, weight: 6 },
    {
      arbitrary: fc
        .tuple(
          tie('post'),
          fc.array(tie('arg'), { maxLength: 4 }),
          fc.array(fc.tuple(nameArb, tie('expr')), { maxLength: 2 }),
          sepArb,
          trailingCommaArb,
        )
        .map(([callee, positional, named, sep, tc]): Ex => {
          const args = [...positional, ...named.map(([n, v]) => `${n}: ${v.text}`)];
          return { text: `${wrap(callee, P.Postfix)}(${args.join(sep)}${args.length > 0 ? tc : ''})`, prec: P.Postfix };
        }),
      weight: 3,
    },
    { arbitrary: fc.tuple(tie('post'), nameArb).map(([o, m]): Ex => ({ text: `${wrap(o, P.Postfix)}.${m}`, prec: P.Postfix })), weight: 1 },
    {
      arbitrary: fc
        .tuple(tie('post'), fc.array(tie('index'), { minLength: 1, maxLength: 3 }))
        .map(([o, ix]): Ex => ({ text: `${wrap(o, P.Postfix)}[${ix.join(', ')}]`, prec: P.Postfix })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.array(tie('expr'), { maxLength: 4 }), sepArb, trailingCommaArb)
        .map(([es, sep, tc]): Ex => ({ text: `[${es.map((e) => e.text).join(sep)}${es.length > 0 ? tc : ''}]`, prec: P.Postfix })),
      weight: 1,
    },
    { arbitrary: tie('expr').map((e): Ex => ({ text: `(${e.text})`, prec: P.Postfix })), weight: 1 },
  ),
  arg: tie('expr').map((e) => e.text),
  index: fc.oneof(
    { depthIdentifier: 'expr', depthSize: 'small', maxDepth: 5 },
    tie('expr').map((e) => e.text),
    fc
      .tuple(fc.option(tie('expr')), fc.option(tie('expr')), fc.boolean(), fc.option(tie('expr')))
      .map(([a, b, step, c]) => `${a?.text ?? ''}:${b?.text ?? ''}${step ? `:${c?.text ?? ''}` : ''}`),
  ),
}));

const typeArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('int', 'float', 'bool', 'string', 'f32', 'i64', 'Flight'),
    fc.array(fc.array(exprArb, { maxLength: 3 }), { maxLength: 2 }),
  )
  .map(([n, dims]) => n + dims.map((d) => `[${d.map((e) => wrap(e, P.Additive)).join(', ')}]`).join(''));

const commentArb = fc.constantFrom('// note\n', '/* note */ ', '// 🐦 trailing\n', '/* multi\n   line */\n', '//\n', '// a \t\n');
/** Optional comments and blank lines before a line, and an optional trailing comment after it. */
const lineArb = (content: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.array(commentArb, { maxLength: 2 }),
      fc.constantFrom('', '', '', '\n'),
      content,
      fc.option(fc.constantFrom(' // trailing', ' /* t */', '/*t*/'), { freq: 4 }),
    )
    .map(([lead, blank, c, trail]) => `${blank}${lead.join('')}${c}${trail ?? ''}${trail?.startsWith(' //') ? '\n' : ''}`);
const stmtSepArb = fc.constantFrom('\n', '\n', '\n', '\n\n', '; ', ';\n', ' ');

const { body: bodyArb } = fc.letrec<{ body: string; stmt: string; ifStmt: string }>((tie) => ({
  body: fc
    .tuple(fc.array(fc.tuple(tie('stmt'), stmtSepArb), { maxLength: 5 }), fc.option(commentArb, { freq: 5 }))
    .map(([stmts, end]) => `{\n${stmts.map(([s, sep]) => s + sep).join('')}${end ?? ''}\n}`),
  stmt: lineArb(
    fc.oneof(
      { depthIdentifier: 'stmt', depthSize: 'small', maxDepth: 3 },
      { arbitrary: fc.tuple(nameArb, exprArb).map(([n, e]) => `${n} = ${e.text}`), weight: 6 },
      { arbitrary: fc.tuple(nameArb, fc.option(exprArb)).map(([n, e]) => (e ? `out ${n} = ${e.text}` : `out ${n}`)), weight: 2 },
      { arbitrary: exprArb.map((e) => `return ${e.text}`), weight: 1 },
      { arbitrary: exprArb.map((e) => e.text), weight: 2 },
      { arbitrary: fc.tuple(nameArb, exprArb, tie('body')).map(([n, e, b]) => `for ${n} in ${e.text} ${b}`), weight: 1 },
      { arbitrary: tie('ifStmt'), weight: 1 },
    ),
  ),
  ifStmt: fc
    .tuple(exprArb, tie('body'), fc.option(fc.oneof({ depthIdentifier: 'stmt', maxDepth: 3 }, tie('body'), tie('ifStmt')), { freq: 2 }))
    .map(([c, then, els]) => `if ${c.text} ${then}${els === null ? '' : ` else ${els}`}`),
}));

const semverArb = fc.oneof(
  fc.constantFrom('1.0.0', '2.1.0-rc.1+build.7', '0.0.1', '10.20.30-alpha', '1.2.3+meta'),
  fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(([a, b, c]) => `${a}.${b}.${c}`),
);
const appArb: fc.Arbitrary<string> = fc
  .tuple(nameArb, fc.option(fc.array(fc.tuple(fc.option(nameArb), exprArb), { maxLength: 3 })))
  .map(([n, args]) => {
    if (args === null) return n;
    const sorted = [...args.filter(([k]) => k === null), ...args.filter(([k]) => k !== null)];
    return `${n}(${sorted.map(([k, v]) => (k ? `${k}: ${v.text}` : v.text)).join(', ')})`;
  });
const fieldArb = lineArb(
  fc
    .tuple(
      nameArb,
      appArb,
      fc.option(exprArb, { freq: 3 }),
      fc.array(appArb, { maxLength: 3 }),
      fc.constantFrom('', '', ';'),
      fc.constantFrom(' |> ', '\n    |> '),
    )
    .map(
      ([n, kind, def, ts, semi, pipe]) => `  ${n} : ${kind}${def ? ` = ${wrap(def, P.Or)}` : ''}${ts.map((t) => pipe + t).join('')}${semi}`,
    ),
);
const paramArb = fc.tuple(nameArb, typeArb, fc.option(exprArb, { freq: 3 })).map(([n, t, d]) => `${n}: ${t}${d ? ` = ${d.text}` : ''}`);
const signatureItemArb = fc.tuple(postArb, fc.option(nameArb, { freq: 3 })).map(([v, a]) => `${wrap(v, P.Postfix)}${a ? ` as ${a}` : ''}`);
const UPPER = fc.constantFrom('Flight', 'M', 'DelayRanker', 'Tower', 'F', 'X', 'DEPTH');

const itemArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.array(nameArb, { minLength: 1, maxLength: 3 }), fc.option(fc.array(fc.tuple(nameArb, fc.option(nameArb)), { maxLength: 3 })))
    .map(
      ([path, names]) =>
        `import ${path.join('.')}${names === null ? '' : ` { ${names.map(([n, a]) => (a ? `${n} as ${a}` : n)).join(', ')} }`}`,
    ),
  fc.tuple(fc.constantFrom('"./blocks.bird"', '"../x/y.bird"', '"é 🐦.bird"'), nameArb).map(([p, n]) => `import ${p} { ${n} }`),
  fc.tuple(UPPER, fc.option(typeArb), exprArb).map(([n, t, e]) => `const ${n}${t ? `: ${t}` : ''} = ${e.text}`),
  fc
    .tuple(fc.constantFrom('features', 'labels'), UPPER, fc.array(fieldArb, { maxLength: 5 }), fc.option(commentArb, { freq: 5 }))
    .map(([k, n, fs, end]) => `${k} ${n} {\n${fs.join('\n')}\n${end ?? ''}}`),
  fc
    .tuple(
      fc.constantFrom('block', 'model'),
      UPPER,
      fc.array(paramArb, { maxLength: 3 }),
      trailingCommaArb,
      fc.option(typeArb, { freq: 2 }),
      bodyArb,
    )
    .map(([k, n, ps, tc, ret, body]) => `${k} ${n}(${ps.join(', ')}${ps.length > 0 ? tc : ''})${ret ? ` -> ${ret}` : ''} ${body}`),
  fc.tuple(UPPER, bodyArb).map(([n, b]) => `train ${n} ${b}`),
  fc
    .tuple(
      nameArb,
      semverArb,
      fc.option(UPPER, { freq: 2 }),
      fc.array(fc.tuple(fc.constantFrom('inputs', 'outputs'), fc.array(signatureItemArb, { minLength: 1, maxLength: 3 }), stmtSepArb), {
        maxLength: 3,
      }),
    )
    .map(
      ([n, v, m, es]) =>
        `signature ${n} @ ${v}${m ? ` for ${m}` : ''} {\n${es.map(([d, items, sep]) => `  ${d} ${items.join(', ')}${sep}`).join('')}\n}`,
    ),
);

const programArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('bird 1\n', 'bird 1\n', 'bird 1 // pragma\n', '// header\nbird 1\n', '', '\ufeffbird 1\n'),
    fc.array(fc.tuple(lineArb(itemArb), fc.constantFrom('\n', '\n\n', '\n\n\n', ';\n', ' ')), { maxLength: 6 }),
    fc.option(commentArb, { freq: 4 }),
    fc.constantFrom('\n', '\r\n', '\r'),
  )
  .map(([pragma, items, end, eol]) => {
    const text = `${pragma}${items.map(([i, sep]) => i + sep).join('')}${end ?? ''}`;
    return eol === '\n' ? text : text.replace(/\n/g, eol);
  });

/**
 * Programs with one line whose length sweeps across the printer's 100-column limit, in
 * each place a group can break, with and without trailing comments (some ending in
 * blanks): where layout decisions flip, printing is most likely not idempotent.
 */
const boundaryArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 1, max: 110 }),
    fc.constantFrom(
      (a: string, c: string) => `bird 1\n\ntrain X {\n  e = f(${a}, b)${c}\n}\n`,
      (a: string, c: string) => `bird 1\n\nmodel M() {\n  for i in x {\n    h = [${a}, b, c]${c}\n  }\n}\n`,
      (a: string, c: string) => `bird 1\n\nmodel M() {\n  h = ${a} |> f(b) |> g${c}\n}\n`,
      (a: string, c: string) => `bird 1\n\nmodel M() {\n  out p = f(g(${a}), [b, c], d: 1)${c}\n}\n`,
      (a: string, c: string) => `bird 1\n\nfeatures F {\n  x : string |> hash(${a}: 12) |> vocab(max: 5)${c}\n}\n`,
      (a: string, c: string) => `bird 1\n\nimport std.nn { ${a}, b as c }${c}\n`,
      (a: string, c: string) => `bird 1\n\nblock B(${a}: int, y: f32[B, D] = 1) -> int {}${c}\n`,
      (a: string, c: string) => `bird 1\n\nsignature s @ 1.0.0 {\n  outputs ${a} as score, b${c}\n}\n`,
      (a: string, c: string) => `bird 1\n\nconst X = f(${a}, 2)${c}\n`,
    ),
    fc.constantFrom('', ' // c', ' // c  ', ' // c \t', ' /* c */', ' /* c */ ', ' /* c */ // d ', '\t// c'),
  )
  .map(([n, template, comment]) => template('a'.repeat(n), comment));

// ---- the properties -------------------------------------------------------------------

describe('fuzz corpus', () => {
  test('has valid files to mutate', () => {
    expect(validFiles.map((f) => f.name)).toContain(join('test', 'fixtures', 'brief.bird'));
    expect(validFiles.length).toBeGreaterThan(3);
  });
});

describe('(a) random token streams', () => {
  test('parse without throwing, in time, with diagnostic spans inside the text', () => {
    fc.assert(
      fc.property(tokenStream(150), (text) => {
        checkedParse(text, 'property (a)');
      }),
      params(2500),
    );
  });

  test('long streams parse without throwing, in time, with diagnostic spans inside the text', () => {
    fc.assert(
      fc.property(tokenStream(4000), (text) => {
        checkedParse(text, 'property (a, long)');
      }),
      params(25),
    );
  });

  test('deeply nested input parses without throwing, in time, with diagnostic spans inside the text', () => {
    const openers: readonly [string, string][] = [
      ['(', ')'],
      ['[', ']'],
      ['f(', ')'],
      ['x[', ']'],
      ['{', '}'],
      ['if x {', '}'],
      ['for i in x {', '}'],
      ['- ', ''],
      ['not ', ''],
      ['x ^ ', ''],
      ['a |> ', ''],
      ['1 + ', ''],
    ];
    const prefixes = ['bird 1\nconst X = ', 'bird 1\nmodel M() {\n  h = ', 'bird 1\nmodel M() {\n', 'bird 1\nfeatures F {\n  x : c(', ''];
    fc.assert(
      fc.property(
        fc.constantFrom(...openers),
        fc.integer({ min: 1, max: 3000 }),
        fc.boolean(),
        fc.constantFrom(...prefixes),
        ([open, close], depth, closed, prefix) => {
          const text = `${prefix}${open.repeat(depth)}x${closed ? close.repeat(depth) : ''}\n`;
          checkedParse(text, 'property (a, nesting)');
        },
      ),
      params(150),
    );
  });

  test('AST node spans lie inside the text (extra)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          tokenStream(150),
          mutatedArb.map((m) => m.text),
        ),
        (text) => {
          checkAstSpans(checkedParse(text, 'property (a/b)').module, text, 'property (AST spans)');
        },
      ),
      params(800),
    );
  });
});

describe('(b) mutations of valid files', () => {
  test('parse without throwing, in time, with diagnostic spans inside the text', () => {
    fc.assert(
      fc.property(mutatedArb, ({ text }) => {
        checkedParse(text, 'property (b)');
      }),
      params(2500),
    );
  });

  test('truncation at every offset of the smaller files', () => {
    // Exhaustive rather than random: every prefix of every valid file under 1 KB.
    for (const f of validFiles.filter((v) => v.text.length < 1024)) {
      for (let i = 0; i <= f.text.length; i++) checkedParse(f.text.slice(0, i), `property (b, truncation of ${f.name})`);
    }
  });

  test('random bytes and unicode spliced in anywhere', () => {
    fc.assert(
      fc.property(fileArb(validFiles), fc.array(fc.tuple(posArb, junkArb), { minLength: 1, maxLength: 4 }), (f, inserts) => {
        let text = f.text;
        for (const [at, junk] of inserts) {
          const o = at % (text.length + 1);
          text = text.slice(0, o) + junk + text.slice(o);
        }
        checkedParse(text, 'property (b, junk)');
      }),
      params(800),
    );
  });
});

describe('(c) print, re-parse, print again', () => {
  test('every valid corpus file round-trips', () => {
    for (const f of validFiles) checkRoundTrip(f.text, checkedParse(f.text, `property (c) on ${f.name}`), `property (c) on ${f.name}`);
  });

  test('generated programs round-trip', () => {
    let clean = 0;
    fc.assert(
      fc.property(programArb, (text) => {
        const first = checkedParse(text, 'property (c, generated)');
        if (checkRoundTrip(text, first, 'property (c, generated)')) clean++;
      }),
      params(800),
    );
    // The generator aims at valid programs; if most fail to parse, the property says little.
    expect(clean).toBeGreaterThan(runs(800) * 0.5);
  });

  test('comments, blank lines and separators moved around valid files round-trip', () => {
    fc.assert(
      fc.property(triviaMutatedArb, ({ text }) => {
        checkRoundTrip(text, checkedParse(text, 'property (c, trivia)'), 'property (c, trivia)');
      }),
      params(600),
    );
  });

  test('lines around the 100-column limit round-trip', () => {
    fc.assert(
      fc.property(boundaryArb, (text) => {
        const first = checkedParse(text, 'property (c, width)');
        // Every template is valid; a parse error here is a bug of its own.
        if (hasErrors(first.diagnostics))
          throw new Error(`property (c, width): a valid program has errors\ninput: ${show(text)}\n${renderDiagnostics(first.diagnostics)}`);
        checkRoundTrip(text, first, 'property (c, width)');
      }),
      params(600),
    );
  });

  test('mutated files and token streams that happen to parse cleanly round-trip', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedArb.map((m) => m.text),
          tokenStream(60),
        ),
        (text) => {
          checkRoundTrip(text, checkedParse(text, 'property (c, mutated)'), 'property (c, mutated)');
        },
      ),
      params(1500),
    );
  });
});

describe('(d) printing keeps the tree and the comments (extra)', () => {
  test('valid corpus files', () => {
    for (const f of validFiles) checkPreserved(f.text, checkedParse(f.text, 'property (d)'), `property (d) on ${f.name}`);
  });

  test('generated programs', () => {
    fc.assert(
      fc.property(programArb, (text) => {
        checkPreserved(text, checkedParse(text, 'property (d, generated)'), 'property (d, generated)');
      }),
      params(800),
    );
  });

  test('comments, blank lines and separators moved around valid files', () => {
    fc.assert(
      fc.property(triviaMutatedArb, ({ text }) => {
        checkPreserved(text, checkedParse(text, 'property (d, trivia)'), 'property (d, trivia)');
      }),
      params(600),
    );
  });
});
