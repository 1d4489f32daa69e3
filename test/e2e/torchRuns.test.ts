/**
 * `bird train` with `engine = "torch"` as a user runs it, each command in its own process: 2
 * ranks from Parquet shards, exported and verified; and training from the shards two `bird
 * encode --part` map tasks wrote into one folder, refusing shards of other rows or other fitted transforms. Moved out of
 * test/backends/torch/torchEquivalence.test.ts (35 s) to keep `npm test` within its budget;
 * `.ci/run` runs test/e2e after it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';
import { torchPython } from '../../src/train/engine.js';
import { torchTestPython } from '../helpers/python.js';
import { repoRoot } from '../helpers/semanticCases.js';

const work = mkdtempSync(join(tmpdir(), 'bird-torch-runs-'));
afterAll(() => {
  if (!process.env['BIRD_KEEP']) rmSync(work, { recursive: true, force: true });
});
const python = torchTestPython(torchPython);

describe('bird train with engine = "torch"', () => {
  // The CLI as a user runs it, in its own process (TF.js in jest's module sandbox trips on typed arrays of another realm).
  const cli = async (argv: string[]) => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(repoRoot, 'bench', 'register.mjs')).href,
        join(repoRoot, 'src', 'cli', 'main.ts'),
        ...argv,
        '--no-color',
      ],
      // Jest gives the test its own process.env; a child gets the real one unless it is passed.
      { encoding: 'utf8', cwd: work, env: { ...process.env, BIRD_PYTHON: python } },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('trains on 2 ranks from Parquet shards (--shard-format parquet); the run exports and verifies', async () => {
    const text = readFileSync(join(repoRoot, 'models', 'flights.bird'), 'utf8')
      .replace('data = csv("data/', `data = csv("${join(repoRoot, 'models', 'data')}/`)
      .replace('  epochs = 1', '  epochs = 1\n  engine = "torch"');
    const model = join(work, 'flights_torch.bird');
    writeFileSync(model, text);
    const run = join(work, 'run');
    const trained = await cli(['train', model, '--nproc', '2', '--shard-format', 'parquet', '--out', run]);
    expect(trained.stderr).toContain('training rows into 2 Parquet shards');
    expect(trained.stderr).toContain('training with PyTorch on 2 ranks');
    expect(trained.code).toBe(0);
    expect(readdirSync(join(run, 'torch', 'shards')).sort()).toEqual(['encoded.json', 'part-00000.parquet', 'part-00001.parquet']);
    const record = JSON.parse(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
    // 5,000 training rows over 2 ranks of 512: 4 full global batches of 1,024 and one of 904.
    expect(record['steps']).toBe(5);
    expect(record['examples']).toBe(5000);
    expect(record['auc(p_delayed, labels.label_delayed15)']).toBeGreaterThan(0.5);
    expect(readFileSync(join(run, 'torch', 'torchrun.sh'), 'utf8')).toContain('torchrun --nnodes=1 --nproc-per-node=2');
    const exported = await cli(['export', model, '--checkpoint', run, '--out', join(work, 'artifacts')]);
    expect(exported.code === 0 ? '' : exported.stderr).toBe('');
    const verified = await cli(['verify', join(work, 'artifacts', 'DelayMlp', '1.0.0')]);
    expect(verified.stdout + verified.stderr).toContain('ONNX Runtime reproduces the golden vectors');
    expect(verified.code).toBe(0);
  }, 300_000);

  test("trains from the Parquet shards `bird encode` wrote (--shards); refuses shards that are not the run's training rows or its fitted transforms", async () => {
    // The sample's first 4,000 rows as two training files, the rest the test file: whole files held out.
    const dir = join(work, 'lake');
    mkdirSync(join(dir, 'train'), { recursive: true });
    mkdirSync(join(dir, 'test'), { recursive: true });
    const lines = gunzipSync(readFileSync(join(repoRoot, 'models', 'data', 'flights_sample.csv.gz')))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    const file = (rows: string[]): string => [lines[0], ...rows].join('\n') + '\n';
    writeFileSync(join(dir, 'train', 'part-0.csv'), file(lines.slice(1, 2001)));
    writeFileSync(join(dir, 'train', 'part-1.csv'), file(lines.slice(2001, 4001)));
    writeFileSync(join(dir, 'test', 'part-0.csv'), file(lines.slice(4001)));
    const text = readFileSync(join(repoRoot, 'models', 'flights.bird'), 'utf8').replace(
      'data = csv("data/flights_sample.csv.gz", split: holdout(every: 6, offset: 5))',
      'data = files(train: "train/part-*.csv", test: "test/part-0.csv")',
    );
    expect(text).toContain('data = files(');
    const model = join(dir, 'flights.bird');
    writeFileSync(model, text);
    // A run (TF.js, the quickest) fits the transforms; a batch job encodes the training files with them.
    expect((await cli(['train', model, '--out', join(dir, 'fit')])).code).toBe(0);
    // Two map tasks, one a file, into one folder (--part): each lists its shard in encoded.PART.json.
    for (const k of ['0', '1']) {
      const encoded = await cli([
        'encode',
        join(dir, 'fit'),
        '--data',
        join(dir, 'train', `part-${k}.csv`),
        '--out',
        join(dir, 'encoded'),
        '--format',
        'parquet',
        '--part',
        k,
      ]);
      expect(encoded.code === 0 ? '' : encoded.stderr).toBe('');
    }
    expect(readdirSync(join(dir, 'encoded')).sort()).toEqual(['encoded.0.json', 'encoded.1.json', 'part-0.parquet', 'part-1.parquet']);
    const run = join(dir, 'run');
    const trained = await cli(['train', model, '--engine', 'torch', '--nproc', '2', '--shards', join(dir, 'encoded'), '--out', run]);
    expect(trained.code === 0 ? '' : trained.stderr).toBe('');
    expect(trained.stderr).toContain(`training from the shards \`bird encode\` wrote in ${join(dir, 'encoded')}`);
    const record = JSON.parse(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
    // Rank r reads shard r: 2,000 rows each in local batches of 512, 4 steps.
    expect(record['examples']).toBe(4000);
    expect(record['steps']).toBe(4);
    expect(record['auc(p_delayed, labels.label_delayed15)']).toBeGreaterThan(0.5);
    expect(readdirSync(join(run, 'torch'))).not.toContain('shards');
    // One training file of two: not the run's training rows.
    await cli(['encode', join(dir, 'fit'), '--data', join(dir, 'train', 'part-0.csv'), '--out', join(dir, 'half')]);
    const half = await cli(['train', model, '--engine', 'torch', '--shards', join(dir, 'half'), '--out', join(dir, 'no')]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("they hold 2000 rows and the run's training part 4000");
    // Shards encoded with other fitted transforms (their digest changed, as another vocabulary would change it).
    const spec = JSON.parse(readFileSync(join(dir, 'half', 'encoded.json'), 'utf8')) as { fitted: string };
    writeFileSync(
      join(dir, 'half', 'encoded.json'),
      JSON.stringify({ ...spec, fitted: spec.fitted.replace(/^./, (c) => (c === '0' ? '1' : '0')) }),
    );
    const other = await cli(['train', model, '--engine', 'torch', '--shards', join(dir, 'half'), '--out', join(dir, 'no')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('they were encoded with other fitted transforms than this run fitted');
    expect(existsSync(join(dir, 'no'))).toBe(false);
  }, 300_000);
});
