/**
 * The PyTorch engine against Bird's own: the generated module's forward pass on the same
 * weights and batch as TF.js for every model in models/, and a 2-rank DDP run (gloo, on
 * CPUs, each rank reading its own shard) against one process stepping on the same global
 * batches. Needs PyTorch under Python 3 (Debian's python3-torch; .ci/run installs it).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';

const work = mkdtempSync(join(tmpdir(), 'bird-torch-'));
afterAll(() => { if (!process.env["BIRD_KEEP"]) rmSync(work, { recursive: true, force: true }); });
const python = torchPython();

/** A model of models/ fitted on its bundled sample, with TF.js's initial weights. */
async function fitted(file: string) {
  const modelPath = join(repoRoot, 'models', file);
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
  const models = readdirSync(join(repoRoot, 'models')).filter((f) => f.endsWith('.bird')).sort();

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
    writeEncodedSpec(shards, { format: 'bird-encoded-1', model: graph.model, columns, shards: [{ file: 'part-00000.arrows', rows: batch!.size }] });
    writeCheckpointFolder(join(dir, 'init'), checkpointFiles(trainer, { epoch: 0 }));
    writeFileSync(join(dir, 'model.py'), generateTorchScript(graph, { source: file, birdVersion: 'test', epochs: 1, batch: 64, seed: 1 }));
    const run = spawnSync(python, [join(dir, 'model.py'), 'predict', '--shards', shards, '--shard', 'part-00000.arrows', '--checkpoint', join(dir, 'init'), '--out', join(dir, 'out.json')], { encoding: 'utf8' });
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

describe('DDP', () => {
  test('2 ranks (gloo, a shard each) and one process stepping on the same global batches end with the same weights', async () => {
    const { graph, dataset, trainer } = await fitted('flights.bird');
    const log = (): void => undefined;
    const prepared = await prepareTorchRun(graph, dataset, trainer, join(work, 'ddp'), { nproc: 2, nnodes: 1, epochs: 1, batch: 256, seed: 1, source: 'flights.bird', birdVersion: 'test', python, log });
    const steps = ['--max-steps', '4', '--threads', '1'];
    const withOut = (out: string): string[] => prepared.args.map((a, i) => (prepared.args[i - 1] === '--out' ? out : a));
    const two = await launchRanks(python, prepared.script, [...withOut(join(work, 'ddp')), ...steps], 2, log);
    expect(two.map((r) => (r.code === 0 ? '' : r.stderr))).toEqual(['', '']);
    const one = await launchRanks(python, prepared.script, [...withOut(join(work, 'single')), ...steps, '--emulate-world', '2'], 1, log);
    expect(one[0]!.code === 0 ? '' : one[0]!.stderr).toBe('');
    const a = readCheckpoint(join(work, 'ddp', 'checkpoints', 'epoch-1'));
    const b = readCheckpoint(join(work, 'single', 'checkpoints', 'epoch-1'));
    const init = readCheckpoint(join(work, 'ddp', 'torch', 'init'));
    expect(a.step).toBe(4);
    expect([...a.tensors.keys()].sort()).toEqual([...b.tensors.keys()].sort());
    let moved = 0;
    for (const [name, values] of a.tensors) {
      const other = b.tensors.get(name)!;
      values.forEach((v, i) => expect(Math.abs(v - other[i]!)).toBeLessThanOrEqual(1e-5));
      const start = init.tensors.get(name)!;
      moved += values.reduce((s, v, i) => s + Math.abs(v - start[i]!), 0);
    }
    // Training moved the weights: equal weights that never changed would prove nothing.
    expect(moved).toBeGreaterThan(0.1);
  }, 300_000);
});

describe('bird train with engine = "torch"', () => {
  test('trains on 2 ranks from encoded shards; the run exports and verifies', async () => {
    // The CLI as a user runs it, in its own process (TF.js in jest's module sandbox trips on typed arrays of another realm).
    const cli = async (argv: string[]) => {
      const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(repoRoot, 'bench', 'register.mjs')).href, join(repoRoot, 'src', 'cli', 'main.ts'), ...argv, '--no-color'], { encoding: 'utf8', cwd: work });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const text = readFileSync(join(repoRoot, 'models', 'flights.bird'), 'utf8')
      .replace('data = csv("data/', `data = csv("${join(repoRoot, 'models', 'data')}/`)
      .replace('  epochs = 1', '  epochs = 1\n  engine = "torch"');
    const model = join(work, 'flights_torch.bird');
    writeFileSync(model, text);
    const run = join(work, 'run');
    const trained = await cli(['train', model, '--nproc', '2', '--out', run]);
    expect(trained.stderr).toContain('training with PyTorch on 2 ranks');
    expect(trained.code).toBe(0);
    const record = JSON.parse(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
    // 5,000 training rows over 2 ranks of 512: 4 full global batches of 1,024.
    expect(record['steps']).toBe(4);
    expect(record['auc(p_delayed, labels.label_delayed15)']).toBeGreaterThan(0.5);
    expect(readFileSync(join(run, 'torch', 'torchrun.sh'), 'utf8')).toContain('torchrun --nnodes=1 --nproc-per-node=2');
    const exported = await cli(['export', model, '--checkpoint', run, '--out', join(work, 'artifacts')]);
    expect(exported.code === 0 ? '' : exported.stderr).toBe('');
    const verified = await cli(['verify', join(work, 'artifacts', 'DelayMlp', '1.0.0')]);
    expect(verified.stdout + verified.stderr).toContain('ONNX Runtime reproduces the golden vectors');
    expect(verified.code).toBe(0);
  }, 300_000);
});
