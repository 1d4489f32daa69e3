/**
 * models/credit.bird (missing values: imputation with indicators) and models/tweet_text.bird
 * (text: cleaned, stopwords dropped, bigrams, TF-IDF) through the whole command line on their
 * bundled data: train (two epochs), export (which compares ONNX Runtime with TF.js on held
 * out rows), then verify the artifact against new raw rows, missing values and markup
 * included.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'bird-bundled-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Rows a serving client might send: the first rows of the data, some of them made harder. */
function newRows(model: string): string {
  if (model === 'credit') {
    const lines = gunzipSync(readFileSync(join(root, 'models', 'data', 'credit.csv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    const header = lines[0]!.split(',');
    const blank = ['income', 'assets', 'debt', 'home', 'job'].map((c) => header.indexOf(c));
    const rows = lines.slice(1, 201).map((l, i) => l.split(',').map((v, k) => (blank.includes(k) && i % 9 === 4 ? '' : v)));
    const path = join(work, 'credit_new.csv');
    writeFileSync(path, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
    return path;
  }
  const rows = gunzipSync(readFileSync(join(root, 'models', 'data', 'tweets_sample.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(0, 200)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((r, i) => (i % 7 === 2 ? { ...r, text: `<p>${String(r['text'])} &amp; ＭＯＲＥ</p>` } : i % 11 === 5 ? { ...r, text: null } : r));
  const path = join(work, 'tweets_new.jsonl.gz');
  writeFileSync(path, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
  return path;
}

describe.each([
  ['credit', 'Credit'],
  ['tweet_text', 'TweetText'],
])('models/%s.bird', (model, name) => {
  test('trains, exports and verifies against new rows', async () => {
    const file = join(root, 'models', `${model}.bird`);
    const run = join(work, `${model}-run`);
    const train = await bird('train', file, '--set', 'epochs=2', '--backend', 'cpu', '--out', run);
    expect(train.stderr).toContain('test part (scored once, after training)');
    expect(train.code).toBe(0);
    const artifacts = join(work, 'artifacts');
    const exported = await bird('export', file, '--checkpoint', run, '--out', artifacts, '--backend', 'cpu');
    expect({ code: exported.code, stderr: exported.code === 0 ? '' : exported.stderr }).toEqual({ code: 0, stderr: '' });
    const verified = await bird('verify', join(artifacts, name, '1.0.0'), '--data', newRows(model), '--backend', 'cpu', '--json');
    expect({ code: verified.code, stderr: verified.code === 0 ? '' : verified.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(verified.stdout) as { rows: number; comparisons: unknown[] };
    expect(report.rows).toBe(200);
    expect(report.comparisons.length).toBeGreaterThan(0);
  }, 120_000);
});
