/**
 * The text options through every stage a user runs: the text case of test/cases/onnx/text
 * (a hashed sample of tokens, n-grams, stopwords, markup, NFKC, term weights) trained by
 * `bird train`, exported, verified, and predicted from raw text by the run (TF.js, the
 * data stage's tokenizer) and by the artifact (ONNX Runtime, the client's tokenizer that
 * `bird serve` shares), which must agree row by row.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { exportArtifact } from '../../src/pipeline/exportArtifact.js';
import { predict } from '../../src/pipeline/predict.js';
import { verifyArtifact } from '../../src/pipeline/verifyArtifact.js';
import { repoRoot } from '../helpers/semanticCases.js';

const project = mkdtempSync(join(tmpdir(), 'bird-text-round-trip-'));
const cwd = process.cwd();

beforeAll(async () => {
  for (const file of ['input.bird', 'rows.csv']) cpSync(join(repoRoot, 'test', 'cases', 'onnx', 'text', file), join(project, file));
  process.chdir(project);
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  expect(await runCli(['train', 'input.bird', '--out', 'run', '--backend', 'cpu'], quiet)).toBe(0);
}, 120_000);

afterAll(() => {
  process.chdir(cwd);
  rmSync(project, { recursive: true, force: true });
});

describe('a text model trains, exports, verifies and predicts alike on both engines', () => {
  test('export, then verify on every row of the data', async () => {
    const exported = await exportArtifact({ file: 'input.bird', checkpoint: 'run', out: 'artifacts', backend: 'cpu' });
    expect(exported.diagnostics).toEqual([]);
    expect(exported.value!.comparisons.every((c) => c.ok)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(exported.value!.artifact, 'manifest.json'), 'utf8')) as {
      signatures: { inputs: { name: string; outOfGraph: { op: string; args: Record<string, unknown> }[] }[] }[];
    };
    const body = manifest.signatures[0]!.inputs.find((i) => i.name === 'body')!;
    expect(body.outOfGraph[0]).toMatchObject({ op: 'tokenize', args: { keep: 'sample', max: 12 } });
    const verified = await verifyArtifact({ artifact: exported.value!.artifact, data: 'rows.csv', backend: 'cpu' });
    expect(verified.diagnostics).toEqual([]);
    expect(verified.value!.rows).toBe(72);
    expect(verified.value!.comparisons.every((c) => c.ok)).toBe(true);
  }, 60_000);

  test('predict with the run (TF.js) and with the artifact (ONNX Runtime) give the same probabilities', async () => {
    const run = await predict({ file: 'input.bird', checkpoint: 'run', data: 'rows.csv', out: 'run.csv', backend: 'cpu' });
    expect(run.diagnostics).toEqual([]);
    const artifact = await predict({ file: join('artifacts', 'Sentiment', '1.0.0'), data: 'rows.csv', out: 'artifact.jsonl' });
    expect(artifact.diagnostics).toEqual([]);
    const tfjs = readFileSync('run.csv', 'utf8').trim().split('\n').slice(1).map(Number);
    const onnx = readFileSync('artifact.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { p: number }).p);
    expect(onnx).toHaveLength(72);
    onnx.forEach((p, i) => expect(Math.abs(p - tfjs[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(tfjs[i]!)));
  }, 60_000);
});
