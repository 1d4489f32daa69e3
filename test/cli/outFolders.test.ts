/**
 * Every command's `--out` behaves the same way (docs/cli.md, "Where --out writes"): the
 * folders missing on the way are created, and an `--out` that cannot be written (a file
 * where a folder is needed, a folder where the output file goes) is a usage error before
 * any work is done. `bird predict --out DIR/p.csv` with DIR missing used to end in a Node
 * stack trace (ENOENT on the temporary file).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';

const root = join(import.meta.dirname, '..', '..');
const model = join(root, 'models', 'flights.bird');

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('--out into folders that do not exist yet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bird-out-'));
  const run = join(dir, 'runs', 'nested', 'run');
  const rows = join(dir, 'rows.csv');

  beforeAll(async () => {
    const r = await bird('train', model, '--epochs', '1', '--backend', 'wasm', '--out', run);
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining(`run written to ${run}`)]);
    const lines = gunzipSync(readFileSync(join(root, 'models', 'data', 'flights_sample.csv.gz')))
      .toString('utf8')
      .split('\n');
    writeFileSync(rows, lines.slice(0, 21).join('\n') + '\n');
  }, 180_000);

  test('predict writes DIR/p.csv and DIR/p.jsonl, creating DIR', async () => {
    for (const name of ['p.csv', 'p.jsonl']) {
      const out = join(dir, 'predictions', name.slice(2), name);
      const r = await bird('predict', model, '--checkpoint', run, '--data', rows, '--out', out);
      expect([r.code, r.stderr]).toEqual([0, expect.stringContaining(`wrote 20 predictions of \`p_delayed\` to ${out}`)]);
      expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(name.endsWith('.csv') ? 21 : 20);
      expect(readdirSync(join(dir, 'predictions', name.slice(2)))).toEqual([name]);
    }
  }, 60_000);

  test('compile --emit onnx and graph create their folders too (export makes OUT/MODEL/VERSION with its parents as it always has)', async () => {
    const onnx = join(dir, 'onnx', 'a', 'serve.onnx');
    expect((await bird('compile', '--emit', 'onnx', '--signature', 'serve', '--out', onnx, model)).code).toBe(0);
    expect(readFileSync(onnx).length).toBeGreaterThan(100);
    const dot = join(dir, 'pictures', 'b', 'flights.dot');
    expect((await bird('graph', model, '--out', dot)).code).toBe(0);
    expect(readFileSync(dot, 'utf8')).toMatch(/^digraph/);
  }, 120_000);
});

describe('an --out that cannot be written is a usage error before any work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bird-out-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder\n');

  test.each([
    [
      'predict',
      ['predict', model, '--checkpoint', 'no-run', '--data', 'd.csv', '--out', join(file, 'p.csv')],
      `cannot write \`${join(file, 'p.csv')}\`: \`${file}\` is a file, not a folder`,
    ],
    ['predict', ['predict', model, '--checkpoint', 'no-run', '--data', 'd.csv', '--out', join(dir, 'x.csv')], null],
    [
      'compile',
      ['compile', '--emit', 'onnx', '--out', join(file, 'deeper', 'm.onnx'), model],
      `cannot write \`${join(file, 'deeper', 'm.onnx')}\`: \`${file}\` is a file, not a folder`,
    ],
    [
      'graph',
      ['graph', model, '--out', join(file, 'g.svg')],
      `cannot write \`${join(file, 'g.svg')}\`: \`${file}\` is a file, not a folder`,
    ],
    ['graph', ['graph', model, '--out', dir], `cannot write \`${dir}\`: it is a folder`],
    ['train', ['train', model, '--out', join(file, 'run')], `cannot write \`${join(file, 'run')}\`: \`${file}\` is a file, not a folder`],
    ['train', ['train', model, '--out', file], `cannot write into \`${file}\`: it is a file, not a folder`],
    ['export', ['export', model, '--checkpoint', 'no-run', '--out', file], `cannot write into \`${file}\`: it is a file, not a folder`],
  ])('%s %#', async (_command, argv, message) => {
    const r = await bird(...argv);
    expect(r.code).toBe(2);
    // An --out that can be written leaves the next problem to be reported (here, no run).
    if (message === null) expect(r.stderr).toContain('neither a run folder with checkpoints nor a checkpoint folder');
    else expect(r.stderr).toBe(`error: ${message}\n\nrun \`bird --help\` for usage\n`);
    expect(readdirSync(dir)).toEqual(['a-file']);
  });
});
