/**
 * A shared vocabulary through every stage: two text fields fitted into one vocabulary
 * (`vocab(..., shared: "words")`) and read by one embedding table (`shared(embedding_bag,
 * "words")`, over token lists of two lengths), trained by `bird train`, exported and
 * verified, with the run (TF.js) and the artifact (ONNX Runtime) predicting alike.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { exportArtifact } from '../../src/pipeline/exportArtifact.js';
import { predict } from '../../src/pipeline/predict.js';
import { verifyArtifact } from '../../src/pipeline/verifyArtifact.js';
import { tokenizeText, tokenizerOptions } from '../../src/ops/textTokens.js';
import { repoRoot } from '../helpers/semanticCases.js';

const project = mkdtempSync(join(tmpdir(), 'bird-shared-vocab-'));
const cwd = process.cwd();
const cases = join(repoRoot, 'test', 'cases', 'onnx');

beforeAll(async () => {
  cpSync(join(cases, 'shared-vocab', 'input.bird'), join(project, 'input.bird'));
  cpSync(join(cases, 'text', 'rows.csv'), join(project, 'rows.csv'));
  process.chdir(project);
  const quiet = { stdout: () => undefined, stderr: () => undefined };
  expect(await runCli(['train', 'input.bird', '--out', 'run', '--backend', 'cpu'], quiet)).toBe(0);
}, 120_000);

afterAll(() => {
  process.chdir(cwd);
  rmSync(project, { recursive: true, force: true });
});

interface Manifest {
  features: { name: string; transforms: { op: string; args: Record<string, unknown> }[] }[];
}

describe('two text fields share one vocabulary and one embedding table', () => {
  test('both features get one vocabulary, counted over both; the checkpoint holds one table', async () => {
    const exported = await exportArtifact({ file: 'input.bird', checkpoint: 'run', out: 'artifacts', backend: 'cpu' });
    expect(exported.diagnostics).toEqual([]);
    expect(exported.value!.comparisons.every((c) => c.ok)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(exported.value!.artifact, 'manifest.json'), 'utf8')) as Manifest;
    const vocabularyOf = (name: string): unknown =>
      manifest.features.find((f) => f.name === name)!.transforms.find((t) => t.op === 'vocab_lookup')?.args['vocabulary'];
    // Recount here: the training split is every row but each 4th (holdout(every: 4)).
    const rows = readFileSync('rows.csv', 'utf8');
    const counts = await countTrainingTokens(rows);
    const expected = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 30)
      .map(([w]) => w);
    expect(vocabularyOf('title')).toEqual(expected);
    expect(vocabularyOf('body')).toEqual(expected);
    const index = JSON.parse(readFileSync(join('run', 'checkpoints', 'epoch-1', 'index.json'), 'utf8')) as { tensors: { name: string }[] };
    expect(index.tensors.map((t) => t.name).filter((n) => !n.includes(':'))).toEqual(['dense_0/b', 'dense_0/w', 'words/table']);
  }, 60_000);

  test('verify, and predict with the run (TF.js) and the artifact (ONNX Runtime) alike', async () => {
    const artifact = join('artifacts', 'Sentiment', '1.0.0');
    const verified = await verifyArtifact({ artifact, data: 'rows.csv', backend: 'cpu' });
    expect(verified.diagnostics).toEqual([]);
    expect(verified.value!.comparisons.every((c) => c.ok)).toBe(true);
    const run = await predict({ file: 'input.bird', checkpoint: 'run', data: 'rows.csv', out: 'run.csv', backend: 'cpu' });
    expect(run.diagnostics).toEqual([]);
    const served = await predict({ file: artifact, data: 'rows.csv', out: 'artifact.jsonl' });
    expect(served.diagnostics).toEqual([]);
    const tfjs = readFileSync('run.csv', 'utf8').trim().split('\n').slice(1).map(Number);
    const onnx = readFileSync('artifact.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { p: number }).p);
    expect(onnx).toHaveLength(tfjs.length);
    onnx.forEach((p, i) => expect(Math.abs(p - tfjs[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(tfjs[i]!)));
  }, 60_000);
});

/** Token counts of the title and body columns over the training rows, as the model tokenizes them. */
async function countTrainingTokens(csv: string): Promise<Map<string, number>> {
  const { parse } = await import('csv-parse/sync');
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  const counts = new Map<string, number>();
  records.forEach((r, i) => {
    if (i % 4 === 3) return;
    const words = [
      ...tokenizeText(r['title']!, tokenizerOptions({ max: 4 })),
      ...tokenizeText(r['body']!, tokenizerOptions({ max: 12, stopwords: 'english' })),
    ];
    for (const w of words) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
  });
  return counts;
}
