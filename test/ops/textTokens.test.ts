import { describe, expect, test } from '@jest/globals';
import { englishStopwords, hashedSample, stripHtml, tokenizeText, tokenizerOptions, tokenWidth } from '../../src/ops/textTokens.js';

const tok = (text: string, args: Record<string, unknown>): string[] => tokenizeText(text, tokenizerOptions({ max: 8, ...args }));

describe('the tokenizer of `tokens(...)`', () => {
  test("defaults: lowercased words of letters, digits and _ # @ ', the first `max`", () => {
    expect(tok("Don't STOP #MAGA @user e-mail 3.14", {})).toEqual(["don't", 'stop', '#maga', '@user', 'e', 'mail', '3', '14']);
    expect(tok('a b c d e f g h i j', { max: 3 })).toEqual(['a', 'b', 'c']);
    expect(tok('', {})).toEqual([]);
    expect(tok('   ,.;!  ', {})).toEqual([]);
    expect(tok('Hi There', { lower: false })).toEqual(['Hi', 'There']);
  });

  test('`keep: "last"` keeps the last `max` words, after stopwords are dropped', () => {
    expect(tok('a b c d e f g h i j', { max: 3, keep: 'last' })).toEqual(['h', 'i', 'j']);
    expect(tok('one two', { max: 3, keep: 'last' })).toEqual(['one', 'two']);
    expect(tok('alpha the beta of gamma', { max: 2, keep: 'last', stopwords: 'english' })).toEqual(['beta', 'gamma']);
  });

  test('`keep: "sample"` keeps the `max` words of smallest MurmurHash3 (ties by position), in the order of the text', () => {
    // murmur3_x86_32(utf8(w), 0x62697264), by the Python port of docs/artifacts.md: is 205712952,
    // be 372868906, question 699821601, to 2610542003, the 2743987036, that 3198091736, not 3743300801, or 3935164180.
    const text = 'To be or not to be, that is the question';
    expect(tok(text, { max: 5, keep: 'sample' })).toEqual(['to', 'be', 'be', 'is', 'question']);
    expect(hashedSample(['to', 'be', 'or', 'not', 'to', 'be', 'that', 'is', 'the', 'question'], 3)).toEqual(['be', 'be', 'is']);
    // Short texts are kept whole; a word kept from a text stays kept when the text grows by words of larger hash.
    expect(tok('or not', { max: 5, keep: 'sample' })).toEqual(['or', 'not']);
    expect(tok('is or not', { max: 2, keep: 'sample' })).toEqual(['is', 'not']);
    expect(tok('or is or not or', { max: 2, keep: 'sample' })).toEqual(['is', 'not']);
    // After stopwords, before n-grams: a bigram joins sampled words that were not neighbours.
    expect(tok(text, { max: 3, keep: 'sample', stopwords: 'english', ngrams: 2 })).toEqual(['question']);
    expect(tok(text, { max: 3, keep: 'sample', ngrams: 2 })).toEqual(['be', 'be', 'is', 'be be', 'be is']);
    expect(tok('', { max: 3, keep: 'sample' })).toEqual([]);
  });

  test('`ngrams: n` adds every k-gram of the kept words for k up to n, unigrams first, joined by a space', () => {
    expect(tok('the cat sat down', { ngrams: 2 })).toEqual(['the', 'cat', 'sat', 'down', 'the cat', 'cat sat', 'sat down']);
    expect(tok('a b c', { ngrams: 3 })).toEqual(['a', 'b', 'c', 'a b', 'b c', 'a b c']);
    // n-grams are formed after the cut to `max` and after stopwords: no bigram spans a dropped word.
    expect(tok('not the best movie', { ngrams: 2, max: 2, stopwords: ['the'] })).toEqual(['not', 'best', 'not best']);
    expect(tok('word', { ngrams: 2 })).toEqual(['word']);
    expect(tokenWidth(8, 1)).toBe(8);
    expect(tokenWidth(8, 2)).toBe(15);
    expect(tokenWidth(2, 3)).toBe(3);
  });

  test('stopwords: the built-in English list or a list of words, matched after lowercasing', () => {
    expect(englishStopwords.length).toBe(179);
    expect(new Set(englishStopwords).size).toBe(179);
    expect(tok('This is NOT the movie I wanted', { stopwords: 'english' })).toEqual(['movie', 'wanted']);
    expect(tok('This is the movie', { stopwords: ['movie', 'is'] })).toEqual(['this', 'the']);
    // With `lower: false` a capitalized stopword is another word.
    expect(tok('The the', { lower: false, stopwords: 'english' })).toEqual(['The']);
  });

  test('`normalize: "nfkc"`: compatibility forms and decomposed accents become one word', () => {
    const decomposed = 'cafe\u0301'; // e + combining acute: the mark is no letter, so it splits the word
    expect(tok(decomposed, {})).toEqual(['cafe']);
    expect(tok(decomposed, { normalize: 'nfkc' })).toEqual(['café']);
    expect(tok('ﬁne Ｆｕｌｌ ① ½', { normalize: 'nfkc' })).toEqual(['fine', 'full', '1', '1', '2']);
    expect(tok('ﬁne Ｆｕｌｌ', {})).toEqual(['ﬁne', 'ｆｕｌｌ']);
    expect(tok('İSTANBUL ΣΊΣΥΦΟΣ', { normalize: 'nfkc' })).toEqual(['i̇stanbul', 'σίσυφος']);
    expect(tok('नमस्ते दुनिया', { normalize: 'nfkc' })).toEqual(['नमस्ते', 'दुनिया']);
    expect(tok('नमस्ते', {})).toEqual(['नमस', 'त']);
    expect(tok('🐦 tweet 🐦bird', {})).toEqual(['tweet', 'bird']);
  });

  test('`strip_html: true`: tags and comments are spaces, character references their text', () => {
    expect(stripHtml('<p>Great<br/>movie</p>')).toBe(' Great movie ');
    expect(tok('<p>Great<br/>movie</p><!-- hidden words -->', { strip_html: true })).toEqual(['great', 'movie']);
    expect(tok('<p>Great<br/>movie</p>', {})).toEqual(['p', 'great', 'br', 'movie', 'p']);
    expect(tok('rock &amp; roll, it&apos;s &#233;t&#xE9; &nbsp;x', { strip_html: true })).toEqual(['rock', 'roll', "it's", 'été', 'x']);
    expect(tok('a < b and c > d', { strip_html: true })).toEqual(['a', 'b', 'and', 'c', 'd']);
    expect(tok('<a href="x>y">link</a> &#0; &#55296; &bogus;', { strip_html: true })).toEqual(['y', 'link']);
    expect(tok('unclosed <!-- comment runs to the end', { strip_html: true })).toEqual(['unclosed']);
  });

  test('every option at once, in the documented order', () => {
    const text = '<b>The</b> ＭＯＶＩＥ was &quot;not&quot; bad, the acting was great!';
    expect(tok(text, { strip_html: true, normalize: 'nfkc', stopwords: 'english', keep: 'last', max: 3, ngrams: 2 })).toEqual([
      'bad',
      'acting',
      'great',
      'bad acting',
      'acting great',
    ]);
  });
});
