import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { repoRoot } from '../helpers/semanticCases.js';

// models/data/derive_tweets.mjs, which adds `label_retweeted` to the tweets file by the rule
// that made `label_engaged`, run as its README says on small files written here.
const script = join(repoRoot, 'models', 'data', 'derive_tweets.mjs');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bird-derive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Tweet {
  id_str: string;
  year: number;
  favorite_count: number;
  retweet_count: number;
  label_engaged: number;
  text: string;
}

// 2015 has an odd count (favorites 1 5 3: median 3; retweets 10 2 7: median 7); 2016 an
// even one (favorites 4 8 6 2: median 5; retweets 5 5 6 1: median 5, so 5 is not above it).
const counts: [number, number, number, number][] = [
  [2015, 1, 10, 0],
  [2016, 4, 5, 0],
  [2015, 5, 2, 1],
  [2016, 8, 5, 1],
  [2015, 3, 7, 0],
  [2016, 6, 6, 1],
  [2016, 2, 1, 0],
];
const retweeted = [1, 0, 0, 0, 0, 1, 0];
const tweets: Tweet[] = counts.map(([year, favorite_count, retweet_count, label_engaged], i) => ({
  id_str: String(100 + i),
  year,
  favorite_count,
  retweet_count,
  label_engaged,
  text: `tweet ${i}`,
}));

function writeTweets(name: string, rows: readonly Tweet[]): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
  return path;
}

const readTweets = (path: string): Record<string, unknown>[] =>
  gunzipSync(readFileSync(path))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const derive = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('derive_tweets.mjs', () => {
  test("adds label_retweeted (above its year's median) after label_engaged, and writes every n-th row as the sample", () => {
    const input = writeTweets('in.jsonl.gz', tweets);
    const run = derive(input, join(dir, 'out.jsonl.gz'), '--sample', join(dir, 'sample.jsonl.gz'), '--every', '3');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('label_engaged: the median rule reproduces all 7 rows');
    const out = readTweets(join(dir, 'out.jsonl.gz'));
    expect(out.map((r) => r['label_retweeted'])).toEqual(retweeted);
    expect(Object.keys(out[0]!)).toEqual(['id_str', 'year', 'favorite_count', 'retweet_count', 'label_engaged', 'label_retweeted', 'text']);
    expect(out.map((r) => Object.fromEntries(Object.entries(r).filter(([key]) => key !== 'label_retweeted')))).toEqual(tweets);
    expect(readTweets(join(dir, 'sample.jsonl.gz'))).toEqual([out[0], out[3], out[6]]);
    // Deterministic: the same input gives the same bytes.
    expect(derive(input, join(dir, 'again.jsonl.gz')).status).toBe(0);
    expect(readFileSync(join(dir, 'again.jsonl.gz')).equals(readFileSync(join(dir, 'out.jsonl.gz')))).toBe(true);
  });

  test('stops, writing nothing, when the median rule does not reproduce label_engaged', () => {
    const wrong = tweets.map((t, i) => (i === 5 ? { ...t, label_engaged: 0 } : t));
    const run = derive(writeTweets('in.jsonl.gz', wrong), join(dir, 'out.jsonl.gz'));
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('derive_tweets: the median rule gives label_engaged 1 for row 5 (id 105), the file has 0\n');
    expect(existsSync(join(dir, 'out.jsonl.gz'))).toBe(false);
  });
});
