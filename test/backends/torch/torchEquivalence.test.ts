/**
 * The PyTorch engine against Bird's own: the generated module's forward pass on the same
 * weights and batch as TF.js for every model in models/, and a 2-rank DDP run (gloo, on
 * CPUs, each rank reading its own shard) against one process stepping on the same global
 * batches, and the same run from Parquet shards as from Arrow IPC ones. Needs PyTorch under
 * Python 3 (Debian's python3-torch; .ci/run installs it), and pyarrow beside it for Parquet
 * shards: `.venv-torch` (`.ci/python-torch-venv.sh`, the pretest script).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { loadTf } from '../../../src/backends/tfjs/loadTf.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { shardColumns, writeEncodedShard, writeEncodedSpec } from '../../../src/data/encodedShards.js';
import { generateTorchScript } from '../../../src/backends/torch/generateTorchScript.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import type { Batch } from '../../../src/ir/batch.js';
import { checkpointFiles, readCheckpoint } from '../../../src/train/checkpoint.js';
import { torchPython } from '../../../src/train/engine.js';
import { launchRanks } from '../../../src/train/torch/launchRanks.js';
import { prepareTorchRun } from '../../../src/train/torch/trainTorch.js';
import { Trainer } from '../../../src/train/trainer.js';
import { torchTestPython } from '../../helpers/python.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';

const work = mkdtempSync(join(tmpdir(), 'bird-torch-'));
afterAll(() => {
  if (!process.env['BIRD_KEEP']) rmSync(work, { recursive: true, force: true });
});
const python = torchTestPython(torchPython);

/** A model (a path from the repository root) fitted on its data, with TF.js's initial weights. */
async function fitted(file: string) {
  const modelPath = join(repoRoot, file);
  const model = checkFile(modelPath, repoRoot).models.find((m) => m.train !== null)!;
  const graph = compileModel(model).graph;
  const dataset = new Dataset(graph, dataSource(graph.train!.settings['data'], modelPath)!);
  const fit = await dataset.fit();
  const { tf } = await loadTf('cpu');
  const trainer = new Trainer(tf, fit, { epochs: 1, batch: 64, seed: 1, shuffle: 0 });
  return { graph: fit, dataset, trainer };
}

function writeCheckpointFolder(dir: string, files: Record<string, string | Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
}

// Outputs are sigmoids and dot products of float32 sums; both engines compute in float32
// in a different order, so values agree to rounding: 2e-5 absolute or relative.
const TOLERANCE = 2e-5;

describe('the generated PyTorch module', () => {
  // Every model of models/, a case for the ops none of them uses (zeros, full, broadcast_to),
  // one for weighted bags (term_weight), and one for feature groups (an f32[B, n] input with
  // per-column zscore and impute, and a missing-value indicator per column).
  const models = [
    ...readdirSync(join(repoRoot, 'models'))
      .filter((f) => f.endsWith('.bird'))
      .sort()
      .map((f) => `models/${f}`),
    'test/cases/torch/batch-shaped-ops/input.bird',
    'test/cases/torch/term-weights/input.bird',
    'test/cases/onnx/groups/input.bird',
  ];

  test.each(models)('%s: the forward pass matches TF.js on the same weights and batch', async (file) => {
    const { graph, dataset, trainer } = await fitted(file);
    let batch: Batch | undefined;
    for await (const b of dataset.batches('test', 64)) {
      batch = b;
      break;
    }
    const dir = join(work, file);
    const shards = join(dir, 'shards');
    mkdirSync(shards, { recursive: true });
    const columns = shardColumns(dataset.names, dataset.types);
    await writeEncodedShard(join(shards, 'part-00000.arrows'), columns, [batch!]);
    writeEncodedSpec(shards, {
      format: 'bird-encoded-1',
      model: graph.model,
      columns,
      shards: [{ file: 'part-00000.arrows', rows: batch!.size }],
    });
    writeCheckpointFolder(join(dir, 'init'), checkpointFiles(trainer, { epoch: 0 }));
    writeFileSync(join(dir, 'model.py'), generateTorchScript(graph, { source: file, birdVersion: 'test', epochs: 1, batch: 64, seed: 1 }));
    const run = spawnSync(
      python,
      [
        join(dir, 'model.py'),
        'predict',
        '--shards',
        shards,
        '--shard',
        'part-00000.arrows',
        '--checkpoint',
        join(dir, 'init'),
        '--out',
        join(dir, 'out.json'),
      ],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    const torchOut = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, number[][] | number[]>;
    const nodes = graph.outputs.map((o) => o.node);
    let tfOut: { data: Float32Array; shape: number[] }[] = [];
    for await (const p of trainer.predict([batch!], nodes)) tfOut = p.values;
    graph.outputs.forEach((o, k) => {
      const want = Array.from(tfOut[k]!.data);
      const got = (torchOut[o.name] as unknown[]).flat(4) as number[];
      expect(got).toHaveLength(want.length);
      // The outputs vary across rows (a constant would hide a wrong input).
      expect(new Set(want.map((v) => v.toFixed(6))).size).toBeGreaterThan(1);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(w))));
    });
  });
});

/** flights.bird with the data path made absolute and its train section's settings replaced. */
async function flightsWith(settings: string, name: string) {
  const text = readFileSync(join(repoRoot, 'models', 'flights.bird'), 'utf8')
    .replace('data = csv("data/', `data = csv("${join(repoRoot, 'models', 'data')}/`)
    .replace('  optimizer = adam(lr: 1e-3)\n  batch = 1024\n  epochs = 1\n', settings);
  expect(text).toContain(settings);
  const file = join(work, `${name}.bird`);
  writeFileSync(file, text);
  const model = checkFile(file, repoRoot).models.find((m) => m.train !== null)!;
  const graph = compileModel(model).graph;
  const dataset = new Dataset(graph, dataSource(graph.train!.settings['data'], file)!);
  return { graph: await dataset.fit(), dataset };
}

describe('training against TF.js', () => {
  // 5,000 training rows in global batches of 768 over 2 ranks of 384: 6 full steps and a
  // last one of 392 rows, 384 on rank 0 and 8 on rank 1 (then 8 on rank 0 and none on
  // rank 1 in a batch of 384 below). Both engines take the same batches with shuffle 0.
  const settings =
    '  optimizer = adam(lr: 3e-3, schedule: cosine(warmup: 3))\n  clip_norm = 0.5\n  weight_decay = 0.01\n  batch = 768\n  epochs = 2\n';

  test('2 DDP ranks and TF.js end two epochs with the same weights (clip_norm, weight_decay, a cosine schedule, every row once)', async () => {
    const { graph, dataset } = await flightsWith(settings, 'clipped');
    const { tf } = await loadTf('cpu');
    const init = new Trainer(tf, graph, { epochs: 2, batch: 768, seed: 1, shuffle: 0 });
    const log = (): void => undefined;
    const prepared = await prepareTorchRun(graph, dataset, init, join(work, 'ddp'), {
      nproc: 2,
      nnodes: 1,
      epochs: 2,
      batch: 768,
      seed: 1,
      source: 'flights.bird',
      birdVersion: 'test',
      python,
      log,
    });
    const start = readCheckpoint(join(work, 'ddp', 'torch', 'init'));
    const reference = new Trainer(tf, graph, { epochs: 2, batch: 768, seed: 1, shuffle: 0 });
    reference.restore(start.tensors, 0);
    const records: number[] = [];
    await reference.fit(dataset, (r) => records.push(r.steps));
    expect(records).toEqual([7, 7]);
    const lines: string[] = [];
    const two = await launchRanks(python, prepared.script, [...prepared.args, '--threads', '1'], 2, (l) => lines.push(l));
    expect(two.map((r) => (r.code === 0 ? '' : r.stderr))).toEqual(['', '']);
    expect(lines.map((l) => (JSON.parse(l) as { examples: number }).examples)).toEqual([5000, 5000]);
    const torchTrained = readCheckpoint(join(work, 'ddp', 'checkpoints', 'epoch-2'));
    expect(torchTrained.step).toBe(14);
    const want = new Map([...reference.parameters(), ...reference.optimizerState()].map((t) => [t.name, t.values]));
    expect([...torchTrained.tensors.keys()].sort()).toEqual([...want.keys()].sort());
    let moved = 0;
    let worst = 0;
    for (const [name, values] of torchTrained.tensors) {
      const other = want.get(name)!;
      values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - other[i]!) / Math.max(1, Math.abs(other[i]!)))));
      const first = start.tensors.get(name);
      if (first) moved += values.reduce((s, v, i) => s + Math.abs(v - first[i]!), 0);
    }
    // Float32 sums in another order, through 14 Adam steps: within 1e-4 (absolute, or relative above 1).
    expect(worst).toBeLessThanOrEqual(1e-4);
    // Training moved the weights: equal weights that never changed would prove nothing.
    expect(moved).toBeGreaterThan(0.1);
  }, 300_000);

  test('a last step with no rows on one rank: 2 DDP ranks and one process on the same global batches agree; Parquet shards train as Arrow IPC ones', async () => {
    const { graph, dataset } = await flightsWith(
      settings.replace('batch = 768', 'batch = 384').replace('epochs = 2', 'epochs = 1'),
      'tail',
    );
    const { tf } = await loadTf('cpu');
    const trainer = new Trainer(tf, graph, { epochs: 1, batch: 384, seed: 1, shuffle: 0 });
    const log = (): void => undefined;
    // The run's options, the same for the Arrow IPC and the Parquet shards below.
    const options = { nproc: 2, nnodes: 1, epochs: 1, batch: 384, seed: 1, source: 'flights.bird', birdVersion: 'test', python, log };
    const prepared = await prepareTorchRun(graph, dataset, trainer, join(work, 'tail'), options);
    const withOut = (out: string): string[] => prepared.args.map((a, i) => (prepared.args[i - 1] === '--out' ? out : a));
    const two = await launchRanks(python, prepared.script, [...withOut(join(work, 'tail')), '--threads', '1'], 2, log);
    expect(two.map((r) => (r.code === 0 ? '' : r.stderr))).toEqual(['', '']);
    const one = await launchRanks(
      python,
      prepared.script,
      [...withOut(join(work, 'single')), '--threads', '1', '--emulate-world', '2'],
      1,
      log,
    );
    expect(one[0]!.code === 0 ? '' : one[0]!.stderr).toBe('');
    const a = readCheckpoint(join(work, 'tail', 'checkpoints', 'epoch-1'));
    const b = readCheckpoint(join(work, 'single', 'checkpoints', 'epoch-1'));
    // ceil(5000 / 384) = 14 steps: the 14th has 8 rows, all on rank 0.
    expect(a.step).toBe(14);
    expect([...a.tensors.keys()].sort()).toEqual([...b.tensors.keys()].sort());
    for (const [name, values] of a.tensors) {
      const other = b.tensors.get(name)!;
      values.forEach((v, i) => expect(Number.isFinite(v) && Math.abs(v - other[i]!) <= 1e-5).toBe(true));
    }
    // The same run from Parquet shards (DuckDB writes them, pyarrow reads them): the same
    // float32 values in the same batches, so the same weights, bit for bit.
    const parquet = await prepareTorchRun(graph, dataset, trainer, join(work, 'tail-parquet'), { ...options, shardFormat: 'parquet' });
    const shardDir = join(work, 'tail-parquet', 'torch', 'shards');
    expect(readdirSync(shardDir).sort()).toEqual(['encoded.json', 'part-00000.parquet', 'part-00001.parquet']);
    const fromParquet = await launchRanks(python, parquet.script, [...parquet.args, '--threads', '1'], 2, log);
    expect(fromParquet.map((r) => (r.code === 0 ? '' : r.stderr))).toEqual(['', '']);
    const c = readCheckpoint(join(work, 'tail-parquet', 'checkpoints', 'epoch-1'));
    expect(c.step).toBe(14);
    expect([...c.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort());
    for (const [name, values] of a.tensors) expect(Array.from(c.tensors.get(name)!)).toEqual(Array.from(values));
  }, 300_000);
});
