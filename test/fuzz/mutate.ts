/**
 * The fuzzer's mutations of a `.bird` text: byte-level (flips, inserted and deleted bytes,
 * decoded as `bird check` decodes a file, invalid UTF-8 becoming U+FFFD), token-level (a
 * token replaced from the corpus' own tokens, deleted, duplicated, swapped), lines (deleted,
 * duplicated, swapped, spliced in from another file, two files crossed), numbers and names
 * substituted, deep nesting and big literals. Every choice comes from the `Rng` passed in,
 * so an input is a function of the seed and its index.
 */
import type { IToken } from 'chevrotain';
import { birdLexer } from '../../src/syntax/lexer.js';
import type { Rng } from './rng.js';

/** One seed text: `path` is where it is checked as (its imports resolve from there), `origin` what the report names. */
export interface Seed {
  readonly path: string;
  readonly origin: string;
  readonly text: string;
}

/** The corpus and the tokens of all its texts, by token type. */
export interface Pool {
  readonly seeds: readonly Seed[];
  readonly tokensByType: ReadonlyMap<string, readonly string[]>;
  readonly allTokens: readonly string[];
  readonly identifiers: readonly string[];
}

export interface Mutant {
  readonly seed: Seed;
  readonly text: string;
  /** What was done, in order, for the report (`token-replace@812`, ...). */
  readonly steps: readonly string[];
}

/** Inputs stay under this size: bigger ones measure the machine, not Bird. */
export const maxInputChars = 2_000_000;

function lex(text: string): IToken[] {
  return birdLexer().tokenize(text).tokens;
}

export function makePool(seeds: readonly Seed[]): Pool {
  const byType = new Map<string, Set<string>>();
  for (const seed of seeds) {
    for (const t of lex(seed.text)) {
      const set = byType.get(t.tokenType.name) ?? new Set<string>();
      set.add(t.image);
      byType.set(t.tokenType.name, set);
    }
  }
  // Sorted, so the pool (and every input drawn from it) does not depend on the order files were read in.
  const tokensByType = new Map([...byType].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()] as const));
  return {
    seeds,
    tokensByType,
    allTokens: [...tokensByType.values()].flat(),
    identifiers: tokensByType.get('Identifier') ?? ['x'],
  };
}

const interestingNumbers = [
  '0',
  '1',
  '-1',
  '2',
  '3',
  '7',
  '63',
  '64',
  '65',
  '100',
  '1000',
  '65535',
  '65536',
  '100000',
  '1000000',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '99999999999999999999999',
  '1e308',
  '1e309',
  '1e-320',
  '0.0',
  '-0.0',
  '0.5',
  '1.5e10',
  '3.4e38',
  '1_000_000',
  '0001',
  '1__0',
  '1e',
  '1.0e',
  '00',
  '9'.repeat(400),
];

const interestingStrings = [
  '\u0000',
  '\ufeff',
  '\r',
  '\r\n',
  '\t',
  '\u00a0',
  '\u2028',
  '\ud800',
  '\udc00',
  '\u{1f426}',
  'é',
  '"',
  '\\',
  '\\u{110000}',
  '/*',
  '*/',
  '//',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '|>',
  '->',
  '..',
  '...',
  '=',
  '==',
  ':',
  ',',
  ';',
  '.',
  '?',
  '@',
  '#',
  '$',
  'out ',
  'return ',
  'for i in 0..3 ',
  'if ',
  'else ',
  'import ',
  'block ',
  'model ',
  'train ',
  'features ',
  'labels ',
  'signature ',
  'const ',
  'bird 1\n',
  'bird 2\n',
  'not ',
  ' and ',
  ' or ',
  'true',
  'false',
  '_',
];

/** A text cut at a code-unit boundary that may split a surrogate pair, as a splice of bytes could. */
function splice(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

function bytes(rng: Rng, text: string): { text: string; step: string } {
  const buf = Buffer.from(text, 'utf8');
  const kind = rng.int(3);
  if (buf.length === 0 || kind === 0) {
    // Insert bytes: random ones, or bytes that trip decoders (a BOM, a lone continuation byte, NUL, CR).
    const at = rng.int(buf.length + 1);
    const special = [[0x00], [0xef, 0xbb, 0xbf], [0x80], [0xff], [0xc3], [0x0d], [0xe2, 0x80, 0xa8], [0xf0, 0x9f]];
    const ins = rng.chance(0.5) ? rng.pick(special) : Array.from({ length: rng.size(32) }, () => rng.int(256));
    return {
      text: Buffer.concat([buf.subarray(0, at), Buffer.from(ins), buf.subarray(at)]).toString('utf8'),
      step: `bytes-insert@${at}+${ins.length}`,
    };
  }
  if (kind === 1) {
    const n = rng.size(8);
    for (let i = 0; i < n; i++) {
      const at = rng.int(buf.length);
      buf[at] = rng.chance(0.5) ? buf[at]! ^ (1 << rng.int(8)) : rng.int(256);
    }
    return { text: buf.toString('utf8'), step: `bytes-flip×${n}` };
  }
  const at = rng.int(buf.length);
  const n = Math.min(rng.size(256), buf.length - at);
  return { text: Buffer.concat([buf.subarray(0, at), buf.subarray(at + n)]).toString('utf8'), step: `bytes-delete@${at}-${n}` };
}

function tokens(rng: Rng, text: string, pool: Pool): { text: string; step: string } {
  const toks = lex(text);
  if (toks.length === 0) return { text: rng.pick(interestingStrings) + text, step: 'token-prefix' };
  const t = rng.pick(toks);
  const end = t.endOffset! + 1;
  switch (rng.int(5)) {
    case 0: {
      const same = pool.tokensByType.get(t.tokenType.name);
      const image = same && rng.chance(0.5) ? rng.pick(same) : rng.pick(pool.allTokens);
      return { text: splice(text, t.startOffset, end - t.startOffset, image), step: `token-replace@${t.startOffset}` };
    }
    case 1:
      return { text: splice(text, t.startOffset, end - t.startOffset, ''), step: `token-delete@${t.startOffset}` };
    case 2: {
      const n = rng.size(64);
      return { text: splice(text, end, 0, (' ' + t.image).repeat(n)), step: `token-duplicate@${t.startOffset}×${n}` };
    }
    case 3: {
      const u = rng.pick(toks);
      const [a, b] = t.startOffset <= u.startOffset ? [t, u] : [u, t];
      if (a === b || a.endOffset! >= b.startOffset) return { text, step: 'token-swap-noop' };
      const swapped =
        text.slice(0, a.startOffset) + b.image + text.slice(a.endOffset! + 1, b.startOffset) + a.image + text.slice(b.endOffset! + 1);
      return { text: swapped, step: `token-swap@${a.startOffset},${b.startOffset}` };
    }
    default: {
      const s = rng.pick(interestingStrings);
      return { text: splice(text, rng.chance(0.5) ? t.startOffset : end, 0, s), step: `token-insert-special@${t.startOffset}` };
    }
  }
}

function lines(rng: Rng, text: string, pool: Pool): { text: string; step: string } {
  const ls = text.split('\n');
  const at = rng.int(ls.length);
  switch (rng.int(5)) {
    case 0: {
      const n = Math.min(rng.size(8), ls.length - at);
      ls.splice(at, n);
      return { text: ls.join('\n'), step: `lines-delete@${at + 1}-${n}` };
    }
    case 1: {
      const n = Math.min(rng.size(6), ls.length - at);
      const times = rng.size(200);
      const copy = ls.slice(at, at + n);
      ls.splice(at, 0, ...Array.from({ length: times }, () => copy).flat());
      return { text: ls.join('\n'), step: `lines-duplicate@${at + 1}-${n}×${times}` };
    }
    case 2: {
      const b = rng.int(ls.length);
      [ls[at], ls[b]] = [ls[b]!, ls[at]!];
      return { text: ls.join('\n'), step: `lines-swap@${at + 1},${b + 1}` };
    }
    case 3: {
      const other = rng.pick(pool.seeds);
      const ol = other.text.split('\n');
      const from = rng.int(ol.length);
      const n = Math.min(rng.size(40), ol.length - from);
      ls.splice(at, 0, ...ol.slice(from, from + n));
      return { text: ls.join('\n'), step: `splice@${at + 1}<-${other.origin}:${from + 1}-${n}` };
    }
    default: {
      // Crossover: this file's head on another file's tail.
      const other = rng.pick(pool.seeds);
      const ol = other.text.split('\n');
      const from = rng.int(ol.length);
      return { text: [...ls.slice(0, at), ...ol.slice(from)].join('\n'), step: `crossover@${at + 1}<-${other.origin}:${from + 1}` };
    }
  }
}

function substitute(rng: Rng, text: string, pool: Pool): { text: string; step: string } {
  const toks = lex(text);
  const numbers = toks.filter((t) => t.tokenType.name === 'Integer' || t.tokenType.name === 'Float');
  const names = toks.filter((t) => t.tokenType.name === 'Identifier' || t.tokenType.name === 'StringLiteral');
  if (rng.chance(0.5) && numbers.length > 0) {
    const t = rng.pick(numbers);
    const n = rng.pick(interestingNumbers);
    return {
      text: splice(text, t.startOffset, t.endOffset! + 1 - t.startOffset, n),
      step: `number@${t.startOffset}=${n.length > 24 ? n.slice(0, 20) + '…' : n}`,
    };
  }
  if (names.length === 0) return { text, step: 'substitute-noop' };
  const t = rng.pick(names);
  const own = names.filter((u) => u.tokenType === t.tokenType).map((u) => u.image);
  const choices = [
    () => rng.pick(own),
    () => rng.pick(pool.identifiers),
    () => rng.pick(['in', 'out', 'for', 'return', 'model', 'block', 'std', 'f', 'labels', 'x', '_']),
    () => 'x'.repeat(rng.size(100_000)),
  ];
  const name =
    t.tokenType.name === 'StringLiteral' && rng.chance(0.5)
      ? JSON.stringify(rng.pick(pool.tokensByType.get('StringLiteral') ?? ['""']))
      : rng.pick(choices)();
  return { text: splice(text, t.startOffset, t.endOffset! + 1 - t.startOffset, name), step: `name@${t.startOffset}` };
}

function nest(rng: Rng, text: string): { text: string; step: string } {
  const toks = lex(text).filter((t) => ['Identifier', 'Integer', 'Float', 'StringLiteral'].includes(t.tokenType.name));
  const depth = rng.size(20_000);
  if (toks.length === 0) return { text: '('.repeat(depth) + text, step: `nest-prefix×${depth}` };
  const t = rng.pick(toks);
  const s = t.startOffset;
  const e = t.endOffset! + 1;
  const shapes: [string, string][] = [
    ['(', ')'],
    ['[', ']'],
    ['-', ''],
    ['not ', ''],
    ['{', '}'],
    ['f(', ')'],
    ['[1, ', ']'],
    ['(1 + ', ')'],
    ['x.', ''],
  ];
  const [open, close] = rng.pick(shapes);
  if (rng.chance(0.2)) {
    // A long flat chain rather than a deep one: `a + a + ... + a`.
    const op = rng.pick([' + ', ' * ', ' |> ', ', ', ' and ', ' == ', '.']);
    return { text: splice(text, s, e - s, Array.from({ length: depth }, () => t.image).join(op)), step: `chain@${s}×${depth}` };
  }
  if (rng.chance(0.2)) {
    // Nested statements around one line: `for` loops, `if`s, blocks.
    const lineStart = text.lastIndexOf('\n', s) + 1;
    const lineEnd = text.indexOf('\n', s) === -1 ? text.length : text.indexOf('\n', s);
    const d = Math.min(depth, 2000);
    const head = rng.pick(['for i in 0..2 {', 'if true {', '{', 'if x {']);
    return {
      text: text.slice(0, lineStart) + `${head}\n`.repeat(d) + text.slice(lineStart, lineEnd) + '\n}'.repeat(d) + text.slice(lineEnd),
      step: `nest-statements@${s}×${d}`,
    };
  }
  return {
    text: text.slice(0, s) + open.repeat(depth) + text.slice(s, e) + close.repeat(depth) + text.slice(e),
    step: `nest@${s}×${depth}'${open}'`,
  };
}

function bigLiteral(rng: Rng, text: string): { text: string; step: string } {
  const toks = lex(text).filter((t) => ['Identifier', 'Integer', 'Float', 'StringLiteral'].includes(t.tokenType.name));
  const at = toks.length === 0 ? 0 : rng.pick(toks);
  const s = typeof at === 'number' ? 0 : at.startOffset;
  const e = typeof at === 'number' ? 0 : at.endOffset! + 1;
  const n = rng.size(1_000_000);
  const literals = [
    () => `"${'a'.repeat(n)}"`,
    () => '7'.repeat(Math.min(n, 100_000)),
    () => `${'1'.repeat(Math.min(n, 5000))}.${'0'.repeat(Math.min(n, 5000))}e${'9'.repeat(Math.min(n, 50))}`,
    () => `[${Array.from({ length: Math.min(n, 100_000) }, (_, i) => i).join(', ')}]`,
    () => `0..${rng.pick(['1000000', '1000000000', '9'.repeat(30), '100000000000000000000'])}`,
    () => `"${'\\u{1F426}'.repeat(Math.min(n, 50_000))}"`,
    () => `// ${'c'.repeat(n)}\n`,
  ];
  const lit = rng.pick(literals)();
  return { text: splice(text, s, e - s, lit), step: `big@${s}:${lit.length}` };
}

/** One mutated input: a seed picked by `rng`, then one to six mutations. */
export function mutate(rng: Rng, pool: Pool): Mutant {
  const seed = rng.pick(pool.seeds);
  let text = seed.text;
  const steps: string[] = [];
  const count = 1 + (rng.chance(0.5) ? 0 : rng.chance(0.5) ? 1 : rng.range(2, 5));
  for (let i = 0; i < count; i++) {
    const kind = rng.int(100);
    const r =
      kind < 20
        ? bytes(rng, text)
        : kind < 50
          ? tokens(rng, text, pool)
          : kind < 68
            ? lines(rng, text, pool)
            : kind < 85
              ? substitute(rng, text, pool)
              : kind < 94
                ? nest(rng, text)
                : bigLiteral(rng, text);
    if (r.text.length > maxInputChars) {
      steps.push(`${r.step} (over ${maxInputChars} characters, undone)`);
      continue;
    }
    text = r.text;
    steps.push(r.step);
  }
  // As `bird check` would read the file: a lone surrogate left by a cut written as UTF-8 and read back is U+FFFD.
  return { seed, text: Buffer.from(text, 'utf8').toString('utf8'), steps };
}
