#!/usr/bin/env node
// Derives `label_retweeted` for the tweets models (timelines.bird, cortex.bird) exactly as
// ../shared/datasets/README.md derived `label_engaged`: a count above the median of its
// calendar year, the median taken over the whole file (the mean of the two middle values
// when a year has an even number of tweets). Before writing anything it recomputes
// `label_engaged` from `favorite_count` with the same rule and stops if a single row
// disagrees, so the rule is the dataset's own.
//
//   node models/data/derive_tweets.mjs IN.jsonl.gz OUT.jsonl.gz [--sample SAMPLE.jsonl.gz] [--every 7]
//
// OUT gets every row with `label_retweeted` added after `label_engaged`; SAMPLE, when
// given, every `--every`-th row of OUT (rows 0, 7, 14, ... in file order). Node builtins
// only, deterministic (same input, same bytes out), files written atomically.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

/** The median of numbers: the middle value, or the mean of the two middle values. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** For each row, 1 when `row[column]` is above the median of the rows of its `year`. */
export function aboveYearMedian(rows, column) {
  const byYear = new Map();
  for (const row of rows) {
    const count = row[column];
    if (typeof count !== 'number' || typeof row.year !== 'number') throw new Error(`row ${row.id_str}: ${column} and year must be numbers`);
    if (!byYear.has(row.year)) byYear.set(row.year, []);
    byYear.get(row.year).push(count);
  }
  const medians = new Map([...byYear].map(([year, counts]) => [year, median(counts)]));
  return rows.map((row) => (row[column] > medians.get(row.year) ? 1 : 0));
}

/** Rows with `label_retweeted` added; throws when the rule does not reproduce `label_engaged`. */
export function deriveRows(rows) {
  const engaged = aboveYearMedian(rows, 'favorite_count');
  const wrong = rows.findIndex((row, i) => row.label_engaged !== engaged[i]);
  if (wrong >= 0) throw new Error(`the median rule gives label_engaged ${engaged[wrong]} for row ${wrong} (id ${rows[wrong].id_str}), the file has ${rows[wrong].label_engaged}`);
  const retweeted = aboveYearMedian(rows, 'retweet_count');
  return rows.map((row, i) => {
    const out = {};
    for (const [key, value] of Object.entries(row)) {
      out[key] = value;
      if (key === 'label_engaged') out.label_retweeted = retweeted[i];
    }
    return out;
  });
}

function writeGzipAtomic(path, rows) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, gzipSync(Buffer.from(rows.map((row) => JSON.stringify(row) + '\n').join(''), 'utf8'), { level: 9 }));
  renameSync(temp, path);
}

function main(argv) {
  const positional = [];
  const options = { sample: undefined, every: 7 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sample') options.sample = argv[++i];
    else if (argv[i] === '--every') options.every = Number(argv[++i]);
    else positional.push(argv[i]);
  }
  const [input, output] = positional;
  if (!input || !output || !(options.every >= 1) || (argv.includes('--sample') && !options.sample)) {
    process.stderr.write('usage: node models/data/derive_tweets.mjs IN.jsonl.gz OUT.jsonl.gz [--sample SAMPLE.jsonl.gz] [--every 7]\n');
    return 2;
  }
  const text = gunzipSync(readFileSync(input)).toString('utf8');
  const rows = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
  let derived;
  try {
    derived = deriveRows(rows);
  } catch (error) {
    process.stderr.write(`derive_tweets: ${error.message}\n`);
    return 1;
  }
  const positives = (name) => derived.reduce((n, row) => n + row[name], 0);
  process.stdout.write(`label_engaged: the median rule reproduces all ${rows.length} rows (${positives('label_engaged')} positive)\n`);
  process.stdout.write(`label_retweeted: ${positives('label_retweeted')} of ${rows.length} positive\n`);
  writeGzipAtomic(output, derived);
  process.stdout.write(`wrote ${output}\n`);
  if (options.sample) {
    const sample = derived.filter((_, i) => i % options.every === 0);
    writeGzipAtomic(options.sample, sample);
    process.stdout.write(`wrote ${options.sample} (${sample.length} rows, every ${options.every}th)\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
