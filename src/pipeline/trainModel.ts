import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackendName } from '../backends/tfjs/loadTf.js';
import type { ShardFormat } from '../data/shardFormats.js';
import { dataSource } from '../data/dataset.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { compileModel } from '../ir/compileModel.js';
import { trainEngines, type TrainEngineName } from '../semantic/builtins.js';
import { applyOverrides, noteOverrides } from '../semantic/overrides.js';
import { chooseEngine, engineCannotTrain, engineStatus, engineUnavailable, torchPython } from '../train/engine.js';
import { onnxStepRefusal } from '../train/onnxStep.js';
import type { RunConfig } from '../train/runConfig.js';
import { checkSource } from './checkSource.js';
import { readCompleteFitStatistics } from './readFitStatistics.js';
import { shardSplit } from './shardSplit.js';
import { readRunJson } from './readRunJson.js';
import { readSources } from './readSources.js';
import { failed, type Result } from './result.js';
import { runTraining } from './runTraining.js';
import { requireTrainSection, selectModel } from './selectModel.js';
import { torchPreflight } from './torchPreflight.js';
import type { EpochRecord, TrainProgress } from './trainProgress.js';
import { UsageError } from './usageError.js';

export type { DataPart, EpochRecord, TrainProgress } from './trainProgress.js';

/** What to train and how: `bird train`'s flags, each overriding the train section's setting. */
export interface TrainOptions {
  /** The `.bird` file (`-` for standard input); its train section's data paths are relative to it. */
  readonly file: string;
  /** Which model, when the file has several (default: the first with a train section). */
  readonly model?: string;
  /** A data file to read instead of the train section's, with its split rule. */
  readonly data?: string;
  readonly epochs?: number;
  readonly batch?: number;
  /** The TF.js backend (default: the first that starts of tensorflow, wasm, cpu). */
  readonly backend?: BackendName;
  /** The training engine (default: the train section's `engine`, else tfjs). */
  readonly engine?: TrainEngineName;
  /** The run folder (default: `runs/MODEL/TIMESTAMP` under the working folder). */
  readonly out?: string;
  /** Continue the run in `out` (or the newest under `runs/MODEL`) from its last checkpoint. */
  readonly resume?: boolean;
  /** Also checkpoint every N steps inside epochs (0: only at epoch ends). */
  readonly checkpointEvery?: number;
  readonly threads?: number;
  readonly badData?: 'fail' | 'skip';
  /** Ranks per machine and machines, for the torch engine. */
  readonly nproc?: number;
  readonly nnodes?: number;
  /** The torch engine's shards: Arrow IPC (default) or Parquet. */
  readonly shardFormat?: ShardFormat;
  /** Train the torch engine from the shards `bird encode` wrote in this folder. */
  readonly shards?: string;
  /** Skip the fitting pre-pass: take the statistics `bird fit` wrote (merged, complete) in this file. */
  readonly fitted?: string;
  /** `PATH=VALUE` overrides written into the file before it is checked, in order (a later one of the same path wins). */
  readonly set?: readonly string[];
}

/** A run trained: its folder, the model, and this run's epoch records (as `metrics.jsonl` holds them). */
export interface TrainedRun {
  readonly run: string;
  readonly model: string;
  readonly epochs: readonly EpochRecord[];
}

/** The engine a run started on: its config's `engine`, absent for `tfjs` runs and runs of older versions. */
function startedOn(config: RunConfig): TrainEngineName {
  return (trainEngines as readonly string[]).includes(config.engine ?? '') ? (config.engine as TrainEngineName) : 'tfjs';
}

/** The newest run folder of a model under `runs/`. */
function latestRun(model: string): string | undefined {
  const dir = join('runs', model);
  if (!existsSync(dir)) return undefined;
  const runs = readdirSync(dir).sort();
  return runs.length > 0 ? join(dir, runs[runs.length - 1]!) : undefined;
}

/**
 * Trains a model of a `.bird` file (`bird train`): applies the `--set` overrides, checks
 * and compiles the model, settles the engine before any data is read, fits the transforms
 * on the training split (or takes a resumed run's), trains for the train section's epochs,
 * evaluates after each, and writes the run folder (config, fitted IR, `metrics.jsonl`,
 * `steps.jsonl`, checkpoints, `report.html`). `onProgress` hears of each step, epoch and
 * checkpoint as it happens. The file's warnings come back with the run; a refusal of the
 * file, its data or the engine is a diagnostic; a wrong option or a run that cannot be
 * resumed as asked is a `UsageError`.
 */
export async function trainModel(
  options: TrainOptions,
  onProgress: (event: TrainProgress) => void = () => undefined,
): Promise<Result<TrainedRun>> {
  const [read] = readSources([options.file]);
  // `--set PATH=VALUE` is written into the file's text, which is then checked as the file would be.
  const overridden = applyOverrides(read!, options.set ?? [], options.model);
  if (overridden.diagnostics.length > 0) return failed(overridden.diagnostics);
  const source = overridden.source;
  const checkedFile = checkSource(source);
  const diagnostics = noteOverrides(checkedFile.diagnostics, overridden);
  if (hasErrors(diagnostics)) return failed(diagnostics);
  // Warnings (an unused feature) are reported, then training goes on.
  onProgress({ kind: 'checked', warnings: diagnostics });
  const selected = selectModel(source, checkedFile.models, options.model, 'trainable');
  const model = selected.value;
  const refused = model ? requireTrainSection(model, 'train') : selected.diagnostics[0];
  if (!model || refused) return failed([refused!], diagnostics);
  const compiled = compileModel(model);
  if (hasErrors(compiled.diagnostics)) return failed(compiled.diagnostics, diagnostics);
  const settings = compiled.graph.train!.settings;
  // A resumed run takes its data, batch, seed, fitted transforms and engine from its own folder.
  const resumeDir = options.resume ? (options.out ?? latestRun(model.name)) : undefined;
  if (options.resume && (!resumeDir || !existsSync(join(resumeDir, 'config.json')))) {
    throw new UsageError(`nothing to resume: ${resumeDir ? `\`${resumeDir}\` holds no run` : `no run of \`${model.name}\` under runs/`}`);
  }
  const previous = resumeDir ? readRunJson<RunConfig>(resumeDir, 'config.json') : undefined;
  // The engine is settled before any data is read: one that cannot run here stops the run at once.
  const engine = chooseEngine(options.engine, settings, previous ? startedOn(previous) : undefined, () => onnxStepRefusal(compiled.graph));
  // The default chose onnxruntime only where it can train the model.
  const refusal = engine.name === 'onnxruntime' && engine.from !== 'default' ? onnxStepRefusal(compiled.graph) : undefined;
  const unavailable = engineUnavailable(model, engine, refusal);
  if (unavailable) return failed([unavailable], diagnostics);
  if (!engineStatus[engine.name].available)
    throw new UsageError(`\`--engine ${engine.name}\` cannot run here: ${engineStatus[engine.name].reason}; use \`--engine tfjs\``);
  if (refusal !== undefined) return failed([engineCannotTrain(model, engine.name, refusal)], diagnostics);
  if (engine.fallback !== undefined)
    onProgress({
      kind: 'engine',
      line: `training on tfjs: the default engine, onnxruntime, cannot train \`${model.name}\` (${engine.fallback})`,
    });
  if ((options.nproc !== undefined || options.nnodes !== undefined) && engine.name !== 'torch')
    throw new UsageError('`--nproc` and `--nnodes` need `--engine torch`');
  for (const [flag, value] of [
    ['--shard-format', options.shardFormat],
    ['--shards', options.shards],
  ] as const)
    if (value !== undefined && engine.name !== 'torch')
      throw new UsageError(`\`${flag}\` needs \`--engine torch\`: only the PyTorch engine trains from encoded shards`);
  const torch = engine.name === 'torch' ? torchPreflight(model, compiled.graph, options, torchPython()) : undefined;
  if (torch && 'code' in torch) return failed([torch], diagnostics);
  if (options.fitted !== undefined && resumeDir)
    throw new UsageError('`--fitted` fits a new run; a resumed run keeps the fitted transforms it started with');
  const statistics = options.fitted !== undefined ? readCompleteFitStatistics(options.fitted, compiled.graph) : undefined;
  const sets = overridden.applied.map((o) => o.set);
  if (previous && JSON.stringify(previous.overrides ?? []) !== JSON.stringify(sets)) {
    throw new UsageError(
      `\`--resume\` continues the run as it was set: its \`--set\` were ${(previous.overrides ?? []).map((o) => `\`${o}\``).join(' ') || 'none'}, not ${sets.map((o) => `\`${o}\``).join(' ') || 'none'}`,
    );
  }
  const data = previous?.data ?? dataSource(settings['data'], resolve(options.file), options.data);
  // The semantic stage refuses a train section without a data source (BIRD3012, BIRD3011, BIRD3003).
  if (!data) throw new Error(`the train section of \`${model.name}\` names no data`);
  // Statistics counted shard by shard are of the training part only where each row decides its part.
  if (statistics) shardSplit(data, model.name);
  const result = await runTraining(
    {
      model: model.name,
      file: options.file,
      graph: compiled.graph,
      engine: engine.name,
      ...(torch ? { torch } : {}),
      ...(resumeDir !== undefined ? { resumeDir } : {}),
      ...(previous ? { previous } : {}),
      data,
      epochs: options.epochs ?? previous?.epochs ?? Number(settings['epochs'] ?? 1),
      batch: previous?.batch ?? options.batch ?? Number(settings['batch'] ?? 1024),
      seed: previous?.seed ?? Number(settings['seed'] ?? 1),
      runPath: resumeDir ?? options.out ?? join('runs', model.name, new Date().toISOString().replace(/[:.]/g, '-')),
      sets,
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
      ...(options.badData !== undefined ? { badData: options.badData } : {}),
      ...(statistics ? { fitted: { path: options.fitted!, statistics } } : {}),
    },
    onProgress,
  );
  return result.value ? { value: result.value, diagnostics } : failed(result.diagnostics, diagnostics);
}
