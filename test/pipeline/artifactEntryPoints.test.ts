/**
 * The pipeline's export, verify and predict entry points called in-process, as a program
 * embedding Bird calls them, on a small run trained on a glob of two CSV parts: each
 * returns `{ value, diagnostics }`; their refusals about the run, the model file and the
 * artifact are diagnostics (BIRD6010, BIRD6011, BIRD7010) against goldens under
 * test/cases/pipeline/; arguments that do not go together throw `UsageError`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { exportArtifact } from '../../src/pipeline/exportArtifact.js';
import { predict } from '../../src/pipeline/predict.js';
import { UsageError } from '../../src/pipeline/usageError.js';
import { verifyArtifact } from '../../src/pipeline/verifyArtifact.js';
import { expectGolden } from '../helpers/golden.js';

const cases = join(import.meta.dirname, '..', 'cases', 'pipeline');
/** The model the file of the BIRD7010 case declares; the run is trained without its `score` signature. */
const declared = join(cases, 'run-without-signature', 'input.bird');
const project = mkdtempSync(join(tmpdir(), 'bird-pipe-artifact-'));
const cwd = process.cwd();
const glob = 'parts/part-*.csv';

function golden(name: string, diagnostics: readonly Diagnostic[]): void {
  expect(diagnostics.length).toBe(1);
  expectGolden(join(cases, name, 'errors.txt'), renderDiagnostics(diagnostics, { color: false }).replaceAll(cases + '/', ''));
}

/** 100 rows: `y` is mostly whether `x` is above 0, `k` one of five strings. */
function part(seed: number): string {
  const lines = ['x,k,y'];
  for (let i = 0; i < 100; i++) {
    const x = Math.sin(seed * 1000 + i * 12.9898) * 2;
    lines.push(`${x.toFixed(4)},${'abcde'[(i * 7 + seed) % 5]},${x > 0 !== (i % 9 === 0) ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  mkdirSync(join(project, 'parts'));
  writeFileSync(join(project, 'parts', 'part-0.csv'), part(0));
  writeFileSync(join(project, 'parts', 'part-1.csv'), part(1));
  // Three rows: `holdout(every: 4)` keeps none of them for the holdout part.
  writeFileSync(join(project, 'three.csv'), part(2).split('\n').slice(0, 4).join('\n') + '\n');
  const text = readFileSync(declared, 'utf8');
  writeFileSync(join(project, 'model.bird'), text.slice(0, text.indexOf('// Declared after')));
  process.chdir(project);
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  expect(await runCli(['train', 'model.bird', '--out', 'run', '--backend', 'cpu'], quiet)).toBe(0);
}, 120_000);

afterAll(() => process.chdir(cwd));

describe('exportArtifact, verifyArtifact and predict on a run trained on a glob', () => {
  test('export compares the engines on the holdout rows of both parts and writes 1.0.0; again, it writes nothing', async () => {
    const first = await exportArtifact({ file: 'model.bird', checkpoint: 'run', out: 'artifacts', backend: 'cpu' });
    expect(first.diagnostics).toEqual([]);
    const value = first.value!;
    expect(value).toMatchObject({ artifact: join('artifacts', 'M', '1.0.0'), model: 'M', version: '1.0.0', previous: null, bump: null });
    expect(value.written).toBe(true);
    // 200 rows, every fourth held out, and the row with every field missing.
    expect(value.rows).toBe(51);
    expect(value.comparisons.map((c) => [c.signature, c.output, c.ok])).toEqual([['serve', 'p', true]]);
    const manifest = JSON.parse(readFileSync(join(value.artifact, 'manifest.json'), 'utf8')) as {
      training: { data: { files: { path: string }[] } };
    };
    expect(manifest.training.data.files.map((f) => f.path)).toEqual(['parts/part-0.csv', 'parts/part-1.csv']);
    const again = await exportArtifact({ file: 'model.bird', checkpoint: 'run', out: 'artifacts', backend: 'cpu' });
    expect(again.value).toMatchObject({ version: '1.0.0', previous: '1.0.0', bump: 'none', written: false });
  }, 60_000);

  test('verify checks hashes and golden vectors, and with a glob compares the engines on every row of both parts', async () => {
    const r = await verifyArtifact({ artifact: join('artifacts', 'M', '1.0.0'), data: glob, backend: 'cpu' });
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toMatchObject({ model: 'M', version: '1.0.0', golden: [{ signature: 'serve', rows: 8 }], rows: 200 });
    expect(r.value!.comparisons.every((c) => c.ok)).toBe(true);
  }, 60_000);

  test("predict with the run (TF.js) and with the artifact (ONNX Runtime) write the same predictions, reporting each batch's progress", async () => {
    const progress: number[] = [];
    const run = await predict({
      file: 'model.bird',
      checkpoint: 'run',
      data: glob,
      out: 'run.csv',
      batch: 64,
      backend: 'cpu',
      progress: (n) => void progress.push(n),
    });
    expect(run.value).toEqual({ kind: 'run', rows: 200, out: 'run.csv', checkpoint: expect.stringContaining('run'), outputs: ['p'] });
    expect(progress).toEqual([64, 128, 192, 200]);
    const artifact = await predict({ file: join('artifacts', 'M', '1.0.0'), data: glob, out: 'artifact.jsonl' });
    expect(artifact.value).toMatchObject({ kind: 'artifact', rows: 200, model: 'M', version: '1.0.0', signature: 'serve', outputs: ['p'] });
    const tfjs = readFileSync('run.csv', 'utf8').trim().split('\n').slice(1).map(Number);
    const onnx = readFileSync('artifact.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { p: number }).p);
    expect(onnx).toHaveLength(200);
    onnx.forEach((p, i) => expect(Math.abs(p - tfjs[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(tfjs[i]!)));
  }, 60_000);

  test('a signature the file declared after the run was trained: BIRD7010 at the signature', async () => {
    const r = await predict({ file: declared, checkpoint: 'run', data: glob, out: 'score.csv', signature: 'score', backend: 'cpu' });
    expect(r.value).toBeUndefined();
    golden('run-without-signature', r.diagnostics);
  });

  test('a signature the artifact does not have: BIRD6011 at its manifest', async () => {
    const r = await predict({ file: join('artifacts', 'M', '1.0.0'), data: glob, out: 'nope.csv', signature: 'nope' });
    expect(r.value).toBeUndefined();
    golden('artifact-without-signature', r.diagnostics);
  }, 30_000);

  test("a run whose data has no holdout row to compare on: BIRD6010 at the run's config.json, nothing written", async () => {
    cpSync('run', 'run-three', { recursive: true });
    const config = JSON.parse(readFileSync(join('run-three', 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join('run-three', 'config.json'),
      JSON.stringify({ ...config, data: { kind: 'file', path: 'three.csv', split: { kind: 'stride', every: 4, offset: 3 } } }),
    );
    const r = await exportArtifact({ file: 'model.bird', checkpoint: 'run-three', out: 'three-artifacts', backend: 'cpu' });
    expect(r.value).toBeUndefined();
    golden('no-comparison-rows', r.diagnostics);
    expect(existsSync('three-artifacts')).toBe(false);
  });

  test('arguments that do not go together throw UsageError', async () => {
    const artifact = join('artifacts', 'M', '1.0.0');
    await expect(predict({ file: artifact, checkpoint: 'run', data: glob, out: 'a.csv' })).rejects.toThrow(UsageError);
    await expect(predict({ file: 'model.bird', data: glob, out: 'a.csv' })).rejects.toThrow(/--checkpoint RUN/);
    await expect(predict({ file: artifact, data: glob, out: 'a.txt' })).rejects.toThrow(/`.csv` or `.jsonl`/);
  });
});
