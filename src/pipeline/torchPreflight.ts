import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unsupportedOps } from '../backends/torch/generateTorchScript.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { IrGraph } from '../ir/ir.js';
import type { ShardFormat } from '../data/shardFormats.js';
import type { CheckedModel } from '../semantic/checkedModel.js';
import { engineCannotTrain } from '../train/engine.js';
import { earlyStopAcrossNodes } from '../train/torch/earlyStopAcrossNodes.js';
import { pyarrowMissing } from '../train/torch/torchMissing.js';
import { readEncodedSpec } from './encodedShardsFor.js';
import { UsageError } from './usageError.js';

/** The ranks of a PyTorch run: processes per machine and machines, and the format of the shards they read. */
export interface TorchWorld {
  readonly nproc: number;
  readonly nnodes: number;
  readonly shardFormat: ShardFormat;
  /** `--shards DIR`: train from the shards `bird encode` wrote there instead of writing the run's own. */
  readonly shards?: string;
}

/**
 * What `--engine torch` needs before any data is read: whole `--nproc`/`--nnodes`, a
 * global batch that splits evenly over the ranks, pyarrow in `python` for Parquet shards
 * trained on this machine (usage errors; the nodes of a torchrun job have their own
 * Python), ops the generated module
 * carries out (BIRD7026), and no `early_stop` across machines (BIRD7035: Bird scores each
 * epoch to stop early, and the nodes of a torchrun job run without it).
 */
export function torchPreflight(
  model: CheckedModel,
  graph: IrGraph,
  options: {
    readonly nproc?: number;
    readonly nnodes?: number;
    readonly batch?: number;
    readonly shardFormat?: ShardFormat;
    readonly shards?: string;
  },
  python: string,
): TorchWorld | Diagnostic {
  const nproc = options.nproc ?? 1;
  const nnodes = options.nnodes ?? 1;
  if (!(Number.isInteger(nproc) && nproc >= 1)) throw new UsageError('`--nproc` must be a whole number, 1 or more');
  if (!(Number.isInteger(nnodes) && nnodes >= 1)) throw new UsageError('`--nnodes` must be a whole number, 1 or more');
  const settings = graph.train?.settings ?? {};
  const batch = options.batch ?? Number(settings['batch'] ?? 1024);
  if (batch % (nproc * nnodes) !== 0)
    throw new UsageError(
      `the batch (${batch}) must split evenly over the ${nproc * nnodes} ranks; give \`--batch\` a multiple of ${nproc * nnodes}`,
    );
  if (options.shards !== undefined && options.shardFormat !== undefined)
    throw new UsageError('`--shard-format` chooses the format of the shards Bird writes; with `--shards` it writes none');
  // Shards of `bird encode`: their format is the one of their files.
  const given = options.shards !== undefined ? readEncodedSpec(options.shards) : undefined;
  const shardFormat = options.shardFormat ?? (given?.shards.some((s) => s.file.endsWith('.parquet')) ? 'parquet' : 'arrow');
  const noPyarrow = shardFormat === 'parquet' && nnodes === 1 ? pyarrowMissing(python) : undefined;
  if (noPyarrow !== undefined)
    throw new UsageError(
      `\`--shard-format parquet\` needs pyarrow in the Python that runs the ranks: ${noPyarrow}; install it there (or set BIRD_PYTHON to a Python with PyTorch and pyarrow), or leave the shards as Arrow IPC`,
    );
  const ops = unsupportedOps(graph);
  const refusal =
    ops.length > 0
      ? engineCannotTrain(model, 'torch', `the PyTorch module has no form for ${ops.map((o) => `\`${o}\``).join(', ')} yet`)
      : earlyStopAcrossNodes(model, nnodes);
  return refusal ?? { nproc, nnodes, shardFormat, ...(options.shards !== undefined ? { shards: options.shards } : {}) };
}

/**
 * A torch run resumed inside an epoch goes on with the ranks it had: each rank's order of
 * its rows depends on how many there are, so other ranks would see some rows twice.
 */
export function checkTorchWorld(checkpoint: string, world: number): void {
  const saved = (JSON.parse(readFileSync(join(checkpoint, 'index.json'), 'utf8')) as { world?: number }).world;
  if (saved !== undefined && saved !== world)
    throw new UsageError(
      `the run stopped inside an epoch while training on ${saved} rank${saved === 1 ? '' : 's'}; resume it with ${saved} (\`--nproc\` times \`--nnodes\`), not ${world}`,
    );
}
