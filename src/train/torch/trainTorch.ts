import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Writable } from 'node:stream';
import { generateTorchScript } from '../../backends/torch/generateTorchScript.js';
import { shardColumns, writeEncodedSpec, type EncodedSpec } from '../../data/encodedShards.js';
import type { ShardFormat } from '../../data/shardFormats.js';
import { shardFile, writeShard } from '../../data/writeShard.js';
import type { Dataset } from '../../data/dataset.js';
import type { Batch } from '../../ir/batch.js';
import type { IrGraph } from '../../ir/ir.js';
import { writeFileAtomic } from '../../source/writeFileAtomic.js';
import { checkpointFiles, readCheckpoint } from '../checkpoint.js';
import type { RunDirectory } from '../runDirectory.js';
import { earlyStopper } from '../earlyStopper.js';
import type { EpochProgress, EpochReport, Trainer } from '../trainer.js';
import { launchRanks } from './launchRanks.js';

export interface TorchRunOptions {
  readonly nproc: number;
  readonly nnodes: number;
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
  /** The `.bird` file as the user named it, recorded in the script. */
  readonly source: string;
  readonly birdVersion: string;
  /** The Python with PyTorch: `BIRD_PYTHON`, or `python3`. */
  readonly python: string;
  readonly log: (line: string) => void;
  /** `--checkpoint-every`, which overrides the train section's `checkpoint_every`. */
  readonly checkpointEvery?: number;
  /** A resumed run: where its checkpoint left it (the trainer holds that checkpoint's weights and optimizer state). */
  readonly resume?: { readonly start: number | EpochProgress; readonly step: number };
  /** `--shard-format`: the ranks' shards as Arrow IPC (the default: the script reads them with numpy alone) or Parquet (read with pyarrow). */
  readonly shardFormat?: ShardFormat;
  /** A folder of shards `bird encode` wrote, checked against the run (pipeline/encodedShardsFor.ts): the ranks read them, and the run writes none. */
  readonly shards?: string;
}

/** The script's arguments that continue a run from a checkpoint: the epoch, the global step and, inside an epoch, what it had done. */
function resumeArgs(resume: TorchRunOptions['resume']): string[] {
  if (!resume) return [];
  const { start, step } = resume;
  if (typeof start === 'number') return ['--start-epoch', String(start), '--start-step', String(step)];
  return [
    '--start-epoch',
    String(start.epoch),
    '--start-step',
    String(step),
    '--skip-batches',
    String(start.batches),
    '--start-examples',
    String(start.examples),
    '--start-loss-sum',
    String(start.lossSum),
    '--start-seconds',
    String(start.seconds),
  ];
}

/** The `torchrun` command that runs the same script on `nnodes` machines of `nproc` ranks each, with a current PyTorch. */
export function torchrunCommand(script: string, nproc: number, nnodes: number, args: readonly string[]): string {
  return [
    '#!/bin/sh',
    '# The same training as `bird train --engine torch`, on a cluster: run this on every node,',
    "# with MASTER_ADDR set to node 0's address and NODE_RANK to the node's number (0 .. nnodes-1).",
    '# Every node needs this folder (script, init checkpoint, shards) at the same path.',
    'set -eu',
    `torchrun --nnodes=${nnodes} --nproc-per-node=${nproc} --node-rank="\${NODE_RANK:-0}" \\`,
    `  --rdzv-backend=c10d --rdzv-endpoint="\${MASTER_ADDR:-127.0.0.1}:\${MASTER_PORT:-29500}" \\`,
    `  ${script} ${args.join(' ')}`,
    '',
  ].join('\n');
}

/** What `prepareTorchRun` leaves in `RUN/torch/`: the script and the arguments that train with it. */
export interface PreparedTorchRun {
  readonly script: string;
  readonly args: readonly string[];
}

/** Writes the training part as one shard per rank under `DIR/shards/`; returns that folder. */
async function writeRankShards(graph: IrGraph, dataset: Dataset, dir: string, options: TorchRunOptions): Promise<string> {
  const world = options.nproc * options.nnodes;
  const local = options.batch / world;
  const shards = join(dir, 'shards');
  // A resumed run writes its shards again, maybe in the other format: none of the old ones stays beside them.
  rmSync(shards, { recursive: true, force: true });
  mkdirSync(shards, { recursive: true });
  const format = options.shardFormat ?? 'arrow';
  const columns = shardColumns(dataset.names, dataset.types);
  // Shard r holds local batches r, r + world, r + 2*world, ...: rank r's k-th batch.
  const started = performance.now();
  const buffers: Batch[][] = Array.from({ length: world }, () => []);
  let chunk = 0;
  for await (const b of dataset.batches('train', local)) buffers[chunk++ % world]!.push(b);
  // One shard after another: a Parquet shard is written by a DuckDB instance of its own, with its own memory.
  const written: { file: string; rows: number }[] = [];
  for (const [r, batches] of buffers.entries()) {
    const file = shardFile(`part-${String(r).padStart(5, '0')}`, format);
    written.push({ file, rows: await writeShard(format, join(shards, file), columns, batches) });
  }
  const spec: EncodedSpec = { format: 'bird-encoded-1', model: graph.model, columns, shards: written };
  writeEncodedSpec(shards, spec);
  options.log(
    `encoded ${spec.shards.reduce((n, s) => n + s.rows, 0)} training rows into ${world} ${format === 'parquet' ? 'Parquet' : 'Arrow IPC'} shard${world === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return shards;
}

/**
 * Writes what the ranks read under `RUN/torch/`: the training part as encoded shards (one
 * per rank, Arrow IPC or Parquet as `shardFormat` says, written by `bird encode`'s
 * writer; or none, given the folder `bird encode` wrote: `shards`); local batch k of
 * every rank together are rows k*batch .. (k+1)*batch of the part, the batch Bird's own trainer takes at that step), the starting weights as a Bird
 * checkpoint (Bird's initializers, so both engines start alike), the generated script,
 * and `torchrun.sh` for clusters.
 */
export async function prepareTorchRun(
  graph: IrGraph,
  dataset: Dataset,
  trainer: Trainer,
  runPath: string,
  options: TorchRunOptions,
): Promise<PreparedTorchRun> {
  const dir = join(runPath, 'torch');
  let shards = options.shards;
  if (shards === undefined) shards = await writeRankShards(graph, dataset, dir, options);
  else options.log(`training from the shards \`bird encode\` wrote in ${shards}`);
  // Bird's initial weights, so the two engines start from the same point.
  mkdirSync(join(dir, 'init'), { recursive: true });
  for (const [file, data] of Object.entries(checkpointFiles(trainer, { epoch: 0, model: graph.model, engine: 'torch' })))
    writeFileSync(join(dir, 'init', file), data);
  const script = join(dir, 'train.py');
  writeFileAtomic(
    script,
    generateTorchScript(graph, {
      source: options.source,
      birdVersion: options.birdVersion,
      epochs: options.epochs,
      batch: options.batch,
      seed: options.seed,
    }),
  );
  const args = [
    'train',
    '--shards',
    shards,
    '--init',
    join(dir, 'init'),
    '--out',
    runPath,
    '--epochs',
    String(options.epochs),
    '--batch',
    String(options.batch),
    ...(options.checkpointEvery !== undefined ? ['--checkpoint-every', String(options.checkpointEvery)] : []),
    ...resumeArgs(options.resume),
  ];
  const relativeArgs = args.map((a) => (a.startsWith(runPath) ? relative(runPath, a) || '.' : a));
  writeFileAtomic(join(dir, 'torchrun.sh'), torchrunCommand('torch/train.py', options.nproc, options.nnodes, relativeArgs));
  return { script, args };
}

/**
 * Trains a fitted model with PyTorch: prepares `RUN/torch/` (`prepareTorchRun`), starts
 * the ranks, and reads each epoch's checkpoint back into Bird's trainer as rank 0 reports
 * it, to measure the train section's metrics on the evaluation part, the same code
 * measuring both engines. The ranks wait at each epoch's end (the script's `--gate`)
 * until Bird has scored it and says go on, or stop when `early_stop` says so, as Bird's
 * own trainer stops. `history` holds the metrics of epochs a resumed run already has.
 * With `nnodes > 1` it stops after preparing: `torchrun.sh` is run on each node.
 */
export async function trainTorch(
  graph: IrGraph,
  dataset: Dataset,
  trainer: Trainer,
  run: RunDirectory,
  options: TorchRunOptions,
  report: (r: EpochReport) => void,
  history: readonly Readonly<Record<string, number>>[] = [],
): Promise<'trained' | 'prepared' | 'stopped'> {
  const stopper = earlyStopper(graph.train?.settings['early_stop']);
  // A resumed run replays its recorded epochs so early stopping counts them.
  for (const metrics of history) if (stopper?.(metrics)) return 'stopped';
  const { script, args } = await prepareTorchRun(graph, dataset, trainer, run.path, options);
  const dir = join(run.path, 'torch');
  if (options.nnodes > 1) {
    options.log(`prepared ${relative(process.cwd(), dir)}/: run torch/torchrun.sh from ${run.path} on each of the ${options.nnodes} nodes`);
    return 'prepared';
  }
  // The part Bird's own trainer watches each epoch: the validation part when there is one.
  const testPart = await dataset.encode(dataset.hasValidation ? 'validation' : 'test');
  let stdin: Writable | undefined;
  let scored: Promise<void> = Promise.resolve();
  let failure: unknown;
  let device: unknown;
  const score = async (line: Record<string, number>): Promise<void> => {
    const epoch = line['epoch']!;
    let stop = true;
    try {
      const saved = readCheckpoint(join(run.path, 'checkpoints', `epoch-${epoch}`));
      trainer.restore(saved.tensors, saved.step);
      const { metrics, calibration } = await trainer.evaluate(testPart.batches(4096));
      report({
        epoch,
        steps: line['steps']!,
        examples: line['examples']!,
        trainSeconds: line['train_s']!,
        examplesPerSecond: line['examples_per_s']!,
        loss: line['loss']!,
        metrics,
        calibration,
      });
      stop = stopper?.(metrics) ?? false;
    } catch (error) {
      failure ??= error;
    }
    if (epoch < options.epochs) stdin?.write(stop ? 'stop\n' : 'go\n');
  };
  options.log(`training with PyTorch on ${options.nproc} rank${options.nproc === 1 ? '' : 's'} (env:// rendezvous on 127.0.0.1)`);
  const onLine = (text: string): void => {
    if (!text.startsWith('{')) return;
    const line = JSON.parse(text) as Record<string, number>;
    if (device === undefined) {
      device = (line as Record<string, unknown>)['device'];
      if (typeof device === 'string') options.log(`PyTorch trains on ${device} (rank 0 of ${options.nproc})`);
    }
    // Epochs are scored one after another, in order, while the ranks wait at the gate.
    scored = scored.then(() => score(line));
  };
  const results = await launchRanks(options.python, script, [...args, '--gate'], options.nproc, onLine, {}, (s) => (stdin = s));
  await scored;
  const failed = results.find((r) => r.code !== 0);
  if (failed) throw new TorchFailed(failed.rank, failed.code, failed.stderr);
  if (failure !== undefined) throw failure;
  return 'trained';
}

/** A rank that exited with an error: its last lines of standard error. */
export class TorchFailed extends Error {
  constructor(
    readonly rank: number,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`PyTorch rank ${rank} failed (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
}
