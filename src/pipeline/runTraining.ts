import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BackendUnavailable, loadTf, type BackendName } from '../backends/tfjs/loadTf.js';
import { DataError } from '../data/dataError.js';
import { dataFingerprint } from '../data/dataFingerprint.js';
import { Dataset, type DataSource } from '../data/dataset.js';
import type { FitStatistics } from '../data/fitStatistics.js';
import type { IrGraph } from '../ir/ir.js';
import type { TrainEngineName } from '../semantic/builtins.js';
import { checkpointFiles, latestCheckpoint, pruneStepCheckpoints } from '../train/checkpoint.js';
import { torchPython } from '../train/engine.js';
import { OnnxStep } from '../train/onnxStep.js';
import type { RunConfig } from '../train/runConfig.js';
import { RunDirectory } from '../train/runDirectory.js';
import type { StepRecord } from '../train/report/runRecords.js';
import { writeReport } from '../train/report/writeReport.js';
import { TorchFailed, trainTorch } from '../train/torch/trainTorch.js';
import { Trainer, type EpochReport } from '../train/trainer.js';
import { finishRun } from './finishRun.js';
import { readRunJson } from './readRunJson.js';
import { resumeCheckpoint } from './resumeCheckpoint.js';
import { failed, type Result } from './result.js';
import { encodedShardsFor } from './encodedShardsFor.js';
import { checkTorchWorld, type TorchWorld } from './torchPreflight.js';
import type { EpochRecord, TrainProgress } from './trainProgress.js';
import { torchFailedDiagnostic } from './torchFailedDiagnostic.js';
import { UsageError } from './usageError.js';
import { StateMismatch } from '../data/fitState.js';
import { birdVersion } from './version.js';

/** A run `trainModel` has settled: the compiled model, its engine, data, figures and folder. */
export interface TrainingPlan {
  readonly model: string;
  /** The model file as the caller named it (recorded in `config.json`). */
  readonly file: string;
  /** The compiled model, before fitting. */
  readonly graph: IrGraph;
  readonly engine: TrainEngineName;
  readonly torch?: TorchWorld;
  /** The run folder a resumed run continues, and the config it was started with. */
  readonly resumeDir?: string;
  readonly previous?: RunConfig;
  readonly data: DataSource;
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
  readonly runPath: string;
  /** The `--set` overrides applied, recorded in `config.json`. */
  readonly sets: readonly string[];
  readonly backend?: BackendName;
  readonly threads?: number;
  readonly checkpointEvery?: number;
  readonly badData?: 'fail' | 'skip';
  /** `--fitted FILE`: the statistics `bird fit` merged, applied instead of the pre-pass. */
  readonly fitted?: { readonly path: string; readonly statistics: FitStatistics };
}

function fixed(n: number, digits = 4): number {
  return Number(n.toFixed(digits));
}

/**
 * Trains a settled run and writes its folder. Bad data is a diagnostic (its `DataError`),
 * a PyTorch rank that fails is BIRD7036; a new run that failed before its first checkpoint
 * leaves nothing behind, and a resumed run, or one with checkpoints, keeps what it has.
 */
export async function runTraining(
  plan: TrainingPlan,
  onProgress: (event: TrainProgress) => void,
): Promise<Result<{ run: string; model: string; epochs: readonly EpochRecord[] }>> {
  const { model, resumeDir, previous, epochs, batch, seed, torch } = plan;
  const settings = plan.graph.train!.settings;
  // Only a folder this run creates is removed if the run fails: never one the user made.
  const fresh = !existsSync(plan.runPath);
  const run = new RunDirectory(plan.runPath);
  const policy = plan.badData === undefined ? undefined : { fn: plan.badData, args: {} };
  try {
    let fitted: IrGraph;
    let dataset: Dataset;
    if (resumeDir) {
      fitted = readRunJson<IrGraph>(resumeDir, 'ir.json');
      dataset = new Dataset(fitted, plan.data, policy);
    } else {
      dataset = new Dataset(plan.graph, plan.data, policy);
      const fitStarted = performance.now();
      fitted = await dataset.fit(plan.fitted?.statistics).catch((error: unknown) => {
        throw error instanceof StateMismatch ? new UsageError(`\`${plan.fitted!.path}\` does not fit this run: ${error.message}`) : error;
      });
      onProgress({
        kind: 'fitted',
        trainRows: dataset.trainRows,
        seconds: (performance.now() - fitStarted) / 1000,
        ...(plan.fitted ? { from: plan.fitted.path } : {}),
      });
      const d = dataset.downsampled;
      if (d.negatives > 0) onProgress({ kind: 'downsampled', kept: d.negatives - d.dropped, negatives: d.negatives });
    }
    const { tf, backend } = await loadTf(plan.backend).catch((error: unknown) => {
      throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
    });
    // TF.js: a second core computes half of each batch (TensorFlow's native backend threads by itself).
    // ONNX Runtime: its intra-op threads, every core by default. PyTorch: the ranks thread by themselves.
    const ort = plan.engine === 'onnxruntime';
    const threads = torch
      ? 1
      : (plan.threads ??
        Number(settings['threads'] ?? (ort ? availableParallelism() : availableParallelism() > 1 && backend !== 'tensorflow' ? 2 : 1)));
    const stepEngine = ort ? await OnnxStep.create(fitted, threads) : undefined;
    const fingerprint = previous ? previous.fingerprint : await dataFingerprint(plan.data, dataset.trainRows);
    const config: RunConfig = {
      model,
      file: plan.file,
      data: plan.data,
      epochs,
      batch,
      seed,
      backend,
      settings,
      threads,
      ...(plan.engine !== 'tfjs' ? { engine: plan.engine } : {}),
      bird: birdVersion,
      created: previous?.created ?? new Date().toISOString(),
      ...(fingerprint ? { fingerprint } : {}),
      ...(plan.sets.length > 0 ? { overrides: [...plan.sets] } : {}),
    };
    run.writeJson('config.json', config);
    if (!resumeDir) run.writeJson('ir.json', fitted);
    const keep = Number(settings['keep_checkpoints'] ?? 3);
    // Step losses wait here until the next checkpoint, so `steps.jsonl` never runs ahead of the checkpoint a resume starts from.
    let pendingSteps: StepRecord[] = [];
    const flushSteps = (): void => {
      run.appendSteps(pendingSteps);
      pendingSteps = [];
    };
    const checkpoint = (name: string, meta: Record<string, unknown>): void => {
      onProgress({ kind: 'checkpoint', name, path: run.writeCheckpoint(name, checkpointFiles(trainer, meta)) });
    };
    const trainer: Trainer = new Trainer(tf, fitted, {
      ...(stepEngine ? { engine: stepEngine } : {}),
      epochs,
      batch,
      seed,
      shuffle: Number(settings['shuffle'] ?? 0),
      checkpointEvery: plan.checkpointEvery ?? Number(settings['checkpoint_every'] ?? 0),
      onCheckpoint: (progress) => {
        flushSteps();
        checkpoint(`step-${trainer.globalStep}`, { epoch: progress.epoch, progress, model });
        pruneStepCheckpoints(run.path, keep);
      },
      onProgress: (step, examples, loss, seconds, epoch) => {
        pendingSteps.push({ step: trainer.globalStep, epoch, loss: fixed(loss) });
        onProgress({ kind: 'step', epoch, step, examples, total: dataset.trainRows, loss, seconds });
      },
    });
    if (threads > 1 && !ort) await trainer.startWorker(backend);
    const resumed = resumeDir ? resumeCheckpoint(resumeDir, run, trainer) : undefined;
    if (resumed) onProgress({ kind: 'resumed', run: run.path, ...resumed.at });
    const start = resumed?.start ?? 1;
    const history = resumed?.history ?? [];
    writeReport(run.path);
    // This run's epoch records, for the caller (`bird train --json` prints them).
    const epochRecords: EpochRecord[] = [];
    onProgress({ kind: 'started', model, engine: plan.engine, backend, threads, epochs, batch });
    const onEpoch = (r: EpochReport): void => {
      const record: EpochRecord = {
        epoch: r.epoch,
        steps: r.steps,
        examples: r.examples,
        train_s: fixed(r.trainSeconds, 2),
        examples_per_s: Math.round(r.examplesPerSecond),
        loss: fixed(r.loss),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        ...Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, fixed(v)])),
      };
      // The checkpoint first, holding the record too: a stop in between loses neither.
      flushSteps();
      checkpoint(`epoch-${r.epoch}`, { epoch: r.epoch, steps: r.steps, model, record });
      pruneStepCheckpoints(run.path, 0);
      run.appendMetrics(record);
      if (r.calibration.length > 0) run.writeJson('calibration.json', { epoch: r.epoch, outputs: r.calibration });
      writeReport(run.path);
      epochRecords.push(record);
      onProgress({ kind: 'epoch', record, metrics: r.metrics });
    };
    if (torch) {
      if (resumed && typeof start !== 'number') checkTorchWorld(resumed.checkpoint, torch.nproc * torch.nnodes);
      const resume = resumed === undefined ? undefined : { start, step: resumed.at.step };
      const shards = torch.shards && encodedShardsFor(torch.shards, fitted, dataset, torch.nproc * torch.nnodes, resumed !== undefined);
      const outcome = await trainTorch(
        fitted,
        dataset,
        trainer,
        run,
        {
          nproc: torch.nproc,
          nnodes: torch.nnodes,
          epochs,
          batch,
          seed,
          source: plan.file,
          birdVersion,
          python: torchPython(),
          log: (line) => onProgress({ kind: 'engine', line }),
          ...(plan.checkpointEvery !== undefined ? { checkpointEvery: plan.checkpointEvery } : {}),
          ...(resume ? { resume } : {}),
          shardFormat: torch.shardFormat,
          ...(shards ? { shards } : {}),
        },
        onEpoch,
        history,
      );
      if (outcome === 'prepared') onProgress({ kind: 'prepared', script: join(run.path, 'torch', 'torchrun.sh') });
    } else await trainer.fit(dataset, onEpoch, start, history);
    await finishRun(run, trainer, dataset, settings, onProgress);
    if (threads > 1 && !ort) onProgress({ kind: 'threads', parallel: trainer.parallel });
    await trainer.stopWorker();
    onProgress({ kind: 'written', run: run.path });
    trainer.program.dispose();
    await stepEngine?.release();
    return { value: { run: run.path, model, epochs: epochRecords }, diagnostics: [] };
  } catch (error) {
    if (fresh && latestCheckpoint(run.path) === undefined) rmSync(run.path, { recursive: true, force: true });
    if (error instanceof DataError) return failed([error.diagnostic]);
    if (error instanceof TorchFailed) return failed([torchFailedDiagnostic(error, run.path)]);
    throw error;
  }
}
