import type { AttrValue } from '../tensor/attrValue.js';
import { birdHashSeed, murmur3x86_32 } from './murmur3.js';

/**
 * The tokenizer of `tokens(...)`, the one specification that training (the data stage)
 * and every serving client follow: it runs outside the ONNX graph (ONNX's standard
 * operators have no tokenizer, and StringNormalizer's case mapping depends on the
 * runtime's locale), so the manifest lists it with its arguments as a client step, and
 * docs/data.md spells each step out for a port. It lives in the op registry's stage
 * because both the data stage and the ONNX export (which writes the stopword list into
 * the manifest) read it.
 */

/**
 * The built-in `stopwords: "english"` list: NLTK's English stopwords (179 words,
 * lowercase, with and without apostrophes). It holds the negations (`no`, `not`, `nor`,
 * `don't`, ...), which sentiment models may want to keep: pass a list of your own then.
 */
export const englishStopwords: readonly string[] = (
  "i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves he him his himself " +
  "she she's her hers herself it it's its itself they them their theirs themselves what which who whom this that that'll " +
  'these those am is are was were be been being have has had having do does did doing a an the and but if or because as ' +
  'until while of at by for with about against between into through during before after above below to from up down in out ' +
  'on off over under again further then once here there when where why how all any both each few more most other some such ' +
  "no nor not only own same so than too very s t can will just don don't should should've now d ll m o re ve y ain aren " +
  "aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't " +
  "mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't"
).split(' ');

/** The named stopword lists `stopwords:` accepts. */
export const stopwordLists: ReadonlyMap<string, readonly string[]> = new Map([['english', englishStopwords]]);

/** Which tokens `keep` keeps when the text has more than `max`. */
export const keepChoices: readonly string[] = ['first', 'last', 'sample'];

/** The Unicode normalizations `normalize` accepts. */
export const normalizeChoices: readonly string[] = ['none', 'nfkc'];

/** The longest n-gram `ngrams` may ask for. */
export const maxNgrams = 4;

/**
 * The arguments `tokens(...)` had before its options existed take these values, so an
 * artifact written then reads (and diffs) as one written now with the defaults.
 */
export const tokenizerDefaults: Readonly<Record<string, AttrValue>> = {
  lower: true,
  ngrams: 1,
  keep: 'first',
  normalize: 'none',
  strip_html: false,
  stopwords: null,
};

/** A `tokens(...)` transform's arguments, resolved. */
export interface TokenizerOptions {
  readonly max: number;
  readonly lower: boolean;
  readonly ngrams: number;
  readonly keep: 'first' | 'last' | 'sample';
  readonly normalize: 'none' | 'nfkc';
  readonly stripHtml: boolean;
  /** The words dropped, already resolved from a list's name. */
  readonly stopwords: ReadonlySet<string>;
}

/** A stopwords argument (a list's name, a list of words, or null) as the words it names; undefined when it names nothing known. */
export function stopwordsOf(arg: AttrValue | undefined): readonly string[] | undefined {
  if (arg === null || arg === undefined) return [];
  if (typeof arg === 'string') return stopwordLists.get(arg);
  if (Array.isArray(arg) && arg.every((w) => typeof w === 'string')) return arg as string[];
  return undefined;
}

const optionCache = new WeakMap<object, TokenizerOptions>();

/** The options of a `tokenize` op's arguments (IR attributes or a manifest step's `args`); absent ones take their defaults. */
export function tokenizerOptions(args: Readonly<Record<string, unknown>>): TokenizerOptions {
  const cached = optionCache.get(args);
  if (cached) return cached;
  const options: TokenizerOptions = {
    max: Number(args['max']),
    lower: args['lower'] !== false,
    ngrams: typeof args['ngrams'] === 'number' ? args['ngrams'] : 1,
    keep: args['keep'] === 'last' || args['keep'] === 'sample' ? args['keep'] : 'first',
    normalize: args['normalize'] === 'nfkc' ? 'nfkc' : 'none',
    stripHtml: args['strip_html'] === true,
    stopwords: new Set(stopwordsOf(args['stopwords'] as AttrValue | undefined) ?? []),
  };
  optionCache.set(args, options);
  return options;
}

/** How many tokens `tokens(max, ngrams)` gives at most: `max - k + 1` k-grams for each k from 1 to `ngrams`. */
export function tokenWidth(max: number, ngrams: number): number {
  let width = 0;
  for (let k = 1; k <= ngrams; k++) width += Math.max(0, max - k + 1);
  return width;
}

const comment = /<!--[\s\S]*?(?:-->|$)/g;
const tag = /<[A-Za-z/!?][^>]*>/g;
const entity = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g;
const word = /[\p{L}\p{N}_#@']+/gu;
// With NFKC, combining marks belong to words too: a vowel sign (Devanagari, Thai) or the dot
// that lowercasing `İ` leaves would split a word otherwise. Without it the classic class stays,
// so existing models keep their ids.
const wordWithMarks = /[\p{L}\p{M}\p{N}_#@']+/gu;

/** A character reference's text: a numeric one decoded (a code point that is no character is a space), `&apos;` a `'`, any other name a space. */
function entityText(_: string, body: string): string {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ' ';
  }
  return body === 'apos' ? "'" : ' ';
}

/** Markup removed: comments and tags become a space, character references their text. */
export function stripHtml(text: string): string {
  return text.replace(comment, ' ').replace(tag, ' ').replace(entity, entityText);
}

const encoder = new TextEncoder();

/**
 * `keep: "sample"`: the `max` words whose `murmur3_x86_32(utf8(word), 0x62697264)` is
 * smallest (equal hashes, the same word repeated, by position), in the text's order. A
 * word's hash does not depend on the text around it, so the sample of a longer text keeps
 * the same words where it can (a min-hash sample), and every copy of a kept word while
 * places are left.
 */
export function hashedSample(words: readonly string[], max: number): string[] {
  if (words.length <= max) return [...words];
  const hashes = words.map((w) => murmur3x86_32(encoder.encode(w), birdHashSeed));
  const order = words.map((_, i) => i).sort((a, b) => hashes[a]! - hashes[b]! || a - b);
  return order
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => words[i]!);
}

/** The first, last or hashed sample of `max` words, as `keep` says. */
function keptWords(words: string[], options: TokenizerOptions): string[] {
  if (options.keep === 'last') return words.slice(Math.max(0, words.length - options.max));
  if (options.keep === 'sample') return hashedSample(words, options.max);
  return words.slice(0, options.max);
}

/**
 * Text to tokens, in this order: markup stripped (`strip_html`), NFKC (`normalize`),
 * lowercased (`lower`), split into words of letters, digits and `_ # @ '` (and combining
 * marks, with NFKC), stopwords
 * dropped, the first, last or a hashed sample of `max` words kept (`keep`), then every k-gram of the kept
 * words for k = 1 to `ngrams`, unigrams first, words joined by one space.
 */
export function tokenizeText(text: string, options: TokenizerOptions): string[] {
  let t = options.stripHtml ? stripHtml(text) : text;
  if (options.normalize === 'nfkc') t = t.normalize('NFKC');
  if (options.lower) t = t.toLowerCase();
  let words: string[] = t.match(options.normalize === 'nfkc' ? wordWithMarks : word) ?? [];
  if (options.stopwords.size > 0) words = words.filter((w) => !options.stopwords.has(w));
  words = keptWords(words, options);
  if (options.ngrams === 1) return words;
  const out = [...words];
  for (let k = 2; k <= options.ngrams; k++) for (let i = 0; i + k <= words.length; i++) out.push(words.slice(i, i + k).join(' '));
  return out;
}
