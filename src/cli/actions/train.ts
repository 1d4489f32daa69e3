import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BackendUnavailable, loadTf, type BackendName } from '../../backends/tfjs/loadTf.js';
import { DataError } from '../../data/dataError.js';
import { dataFingerprint } from '../../data/dataFingerprint.js';
import { Dataset, dataSource } from '../../data/dataset.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { applyOverrides, noteOverrides } from '../../semantic/overrides.js';
import { renderDiagnostic } from '../../diagnostics/renderDiagnostic.js';
import { diagnosticToJson } from '../../diagnostics/diagnosticJson.js';
import { compileModel } from '../../ir/compileModel.js';
import { checkpointFiles, latestCheckpoint, pruneStepCheckpoints, readCheckpoint } from '../../train/checkpoint.js';
import type { IrGraph } from '../../ir/ir.js';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { RunDirectory } from '../../train/runDirectory.js';
import { OnnxStep, onnxStepRefusal } from '../../train/onnxStep.js';
import { chooseEngine, engineCannotTrain, engineStatus, engineUnavailable, type TrainEngineName } from '../../train/engine.js';
import { Trainer, type EpochProgress, type EpochReport } from '../../train/trainer.js';
import { torchPython } from '../../train/engine.js';
import { TorchFailed, trainTorch } from '../../train/torch/trainTorch.js';
import { unsupportedOps } from '../../backends/torch/generateTorchScript.js';
import { earlyStopAcrossNodes } from '../../train/torch/earlyStopAcrossNodes.js';
import type { CheckedModel } from '../../semantic/checkedModel.js';
import type { RunConfig } from '../../train/runConfig.js';
import { readJsonLines, type StepRecord } from '../../train/report/runRecords.js';
import { writeReport } from '../../train/report/writeReport.js';
import { bestEpoch } from '../../train/earlyStopper.js';
import { birdVersion } from '../../pipeline/version.js';
import { checkSource } from '../../pipeline/checkSource.js';
import { requireTrainSection, selectModel } from '../../pipeline/selectModel.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../../pipeline/readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface TrainArgs extends ReportOptions {
  readonly file: string;
  readonly model?: string;
  readonly data?: string;
  readonly epochs?: number;
  readonly batch?: number;
  readonly backend?: BackendName;
  readonly engine?: TrainEngineName;
  readonly out?: string;
  readonly resume: boolean;
  readonly checkpointEvery?: number;
  readonly threads?: number;
  readonly badData?: 'fail' | 'skip';
  readonly progress: boolean;
  /** Ranks per machine and machines, for `--engine torch`. */
  readonly nproc?: number;
  readonly nnodes?: number;
  /** `--set PATH=VALUE`, in order (a later one of the same path wins). */
  readonly set?: readonly string[];
}

/**
 * What `--engine torch` needs before any data is read: whole `--nproc`/`--nnodes`, a
 * global batch that splits evenly over the ranks, ops the generated module carries out,
 * and no `early_stop` across machines (BIRD7035: Bird scores each epoch to stop early,
 * and the nodes of a torchrun job run without it).
 */
async function torchPreflight(
  model: CheckedModel,
  graph: IrGraph,
  args: TrainArgs,
  io: Io,
): Promise<{ nproc: number; nnodes: number } | 'refused'> {
  const nproc = args.nproc ?? 1;
  const nnodes = args.nnodes ?? 1;
  if (!(Number.isInteger(nproc) && nproc >= 1)) throw new UsageError('`--nproc` must be a whole number, 1 or more');
  if (!(Number.isInteger(nnodes) && nnodes >= 1)) throw new UsageError('`--nnodes` must be a whole number, 1 or more');
  const settings = graph.train?.settings ?? {};
  const batch = args.batch ?? Number(settings['batch'] ?? 1024);
  if (batch % (nproc * nnodes) !== 0)
    throw new UsageError(
      `the batch (${batch}) must split evenly over the ${nproc * nnodes} ranks; give \`--batch\` a multiple of ${nproc * nnodes}`,
    );
  const ops = unsupportedOps(graph);
  const refusal =
    ops.length > 0
      ? engineCannotTrain(model, 'torch', `the PyTorch module has no form for ${ops.map((o) => `\`${o}\``).join(', ')} yet`)
      : earlyStopAcrossNodes(model, nnodes);
  if (refusal) {
    reportDiagnostics(io, [refusal], args);
    return 'refused';
  }
  return { nproc, nnodes };
}

/**
 * A torch run resumed inside an epoch goes on with the ranks it had: each rank's order of
 * its rows depends on how many there are, so other ranks would see some rows twice.
 */
function checkTorchWorld(checkpoint: string, world: number): void {
  const saved = (JSON.parse(readFileSync(join(checkpoint, 'index.json'), 'utf8')) as { world?: number }).world;
  if (saved !== undefined && saved !== world)
    throw new UsageError(
      `the run stopped inside an epoch while training on ${saved} rank${saved === 1 ? '' : 's'}; resume it with ${saved} (\`--nproc\` times \`--nnodes\`), not ${world}`,
    );
}

/** The newest run folder of a model under `runs/`. */
function latestRun(model: string): string | undefined {
  const dir = join('runs', model);
  if (!existsSync(dir)) return undefined;
  const runs = readdirSync(dir).sort();
  return runs.length > 0 ? join(dir, runs[runs.length - 1]!) : undefined;
}

function fixed(n: number, digits = 4): number {
  return Number(n.toFixed(digits));
}

/**
 * `bird train FILE`: checks and compiles the model, fits its transforms on the training
 * split, trains for the train section's epochs, evaluates the holdout after each, and
 * writes the run folder: config, fitted IR, metrics.jsonl and a checkpoint per epoch.
 */
export async function train(args: TrainArgs, io: Io): Promise<number> {
  if (args.out !== undefined) checkOut(args.out, 'folder');
  const [read] = readSources([args.file]);
  // `--set PATH=VALUE` is written into the file's text, which is then checked as the file would be.
  const overridden = applyOverrides(read!, args.set ?? [], args.model);
  if (overridden.diagnostics.length > 0) {
    reportDiagnostics(io, overridden.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const source = overridden.source;
  const checkedFile = checkSource(source);
  const checked = { ...checkedFile, diagnostics: noteOverrides(checkedFile.diagnostics, overridden) };
  if (hasErrors(checked.diagnostics)) {
    reportDiagnostics(io, checked.diagnostics, args);
    return ExitCode.diagnostics;
  }
  // Warnings (an unused feature) are shown, then training goes on.
  if (!args.json && checked.diagnostics.length > 0) reportDiagnostics(io, checked.diagnostics, args);
  const selected = selectModel(source, checked.models, args.model, 'trainable');
  const model = selected.value;
  const refused = model ? requireTrainSection(model, 'train') : selected.diagnostics[0];
  if (!model || refused) {
    reportDiagnostics(io, [refused!], args);
    return ExitCode.diagnostics;
  }
  const compiled = compileModel(model);
  if (hasErrors(compiled.diagnostics)) {
    reportDiagnostics(io, compiled.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const settings = compiled.graph.train!.settings;
  // The engine is settled before any data is read: one that cannot run here stops the run at once.
  const engine = chooseEngine(args.engine, settings);
  const refusal = engine.name === 'onnxruntime' ? onnxStepRefusal(compiled.graph) : undefined;
  const unavailable = engineUnavailable(model, engine, refusal);
  if (unavailable) {
    reportDiagnostics(io, [unavailable], args);
    return ExitCode.diagnostics;
  }
  if (!engineStatus[engine.name].available)
    throw new UsageError(`\`--engine ${engine.name}\` cannot run here: ${engineStatus[engine.name].reason}; use \`--engine tfjs\``);
  if (refusal !== undefined) {
    reportDiagnostics(io, [engineCannotTrain(model, engine.name, refusal)], args);
    return ExitCode.diagnostics;
  }
  if ((args.nproc !== undefined || args.nnodes !== undefined) && engine.name !== 'torch')
    throw new UsageError('`--nproc` and `--nnodes` need `--engine torch`');
  const torch = engine.name === 'torch' ? await torchPreflight(model, compiled.graph, args, io) : undefined;
  if (torch === 'refused') return ExitCode.diagnostics;
  const log = (line: string): void => io.stderr(line + '\n');
  // A resumed run takes its data, batch, seed and fitted transforms from its own folder.
  const resumeDir = args.resume ? (args.out ?? latestRun(model.name)) : undefined;
  if (args.resume && (!resumeDir || !existsSync(join(resumeDir, 'config.json')))) {
    throw new UsageError(`nothing to resume: ${resumeDir ? `\`${resumeDir}\` holds no run` : `no run of \`${model.name}\` under runs/`}`);
  }
  const previous = resumeDir ? (JSON.parse(readFileSync(join(resumeDir, 'config.json'), 'utf8')) as RunConfig) : undefined;
  const sets = overridden.applied.map((o) => o.set);
  if (previous && JSON.stringify(previous.overrides ?? []) !== JSON.stringify(sets)) {
    throw new UsageError(
      `\`--resume\` continues the run as it was set: its \`--set\` were ${(previous.overrides ?? []).map((o) => `\`${o}\``).join(' ') || 'none'}, not ${sets.map((o) => `\`${o}\``).join(' ') || 'none'}`,
    );
  }
  const source_ = previous?.data ?? dataSource(settings['data'], resolve(args.file), args.data);
  // The semantic stage refuses a train section without a data source (BIRD3012, BIRD3011, BIRD3003).
  if (!source_) throw new Error(`the train section of \`${model.name}\` names no data`);
  const epochs = args.epochs ?? previous?.epochs ?? Number(settings['epochs'] ?? 1);
  const batch = previous?.batch ?? args.batch ?? Number(settings['batch'] ?? 1024);
  const seed = previous?.seed ?? Number(settings['seed'] ?? 1);
  const runPath = resumeDir ?? args.out ?? join('runs', model.name, new Date().toISOString().replace(/[:.]/g, '-'));
  // Only a folder this run creates is removed if the run fails: never one the user made.
  const fresh = !existsSync(runPath);
  const run = new RunDirectory(runPath);
  const policy = args.badData === undefined ? undefined : { fn: args.badData, args: {} };
  try {
    let fitted: IrGraph;
    let dataset: Dataset;
    if (resumeDir) {
      fitted = JSON.parse(readFileSync(join(resumeDir, 'ir.json'), 'utf8')) as IrGraph;
      dataset = new Dataset(fitted, source_, policy);
    } else {
      dataset = new Dataset(compiled.graph, source_, policy);
      const fitStarted = performance.now();
      fitted = await dataset.fit();
      log(`fitted transforms on ${dataset.trainRows} training rows in ${((performance.now() - fitStarted) / 1000).toFixed(1)} s`);
      const d = dataset.downsampled;
      if (d.negatives > 0)
        log(
          `negative downsampling kept ${d.negatives - d.dropped} of ${d.negatives} negative training rows; predictions are corrected for it`,
        );
    }
    const { tf, backend } = await loadTf(args.backend).catch((error: unknown) => {
      throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
    });
    // TF.js: a second core computes half of each batch (TensorFlow's native backend threads by itself).
    // ONNX Runtime: its intra-op threads, every core by default. PyTorch: the ranks thread by themselves.
    const ort = engine.name === 'onnxruntime';
    const threads = torch
      ? 1
      : (args.threads ??
        Number(settings['threads'] ?? (ort ? availableParallelism() : availableParallelism() > 1 && backend !== 'tensorflow' ? 2 : 1)));
    const stepEngine = ort ? await OnnxStep.create(fitted, threads) : undefined;
    const fingerprint = previous ? previous.fingerprint : await dataFingerprint(source_, dataset.trainRows);
    const config: RunConfig = {
      model: model.name,
      file: args.file,
      data: source_,
      epochs,
      batch,
      seed,
      backend,
      settings,
      threads,
      ...(ort ? { engine: engine.name } : {}),
      bird: birdVersion,
      created: previous?.created ?? new Date().toISOString(),
      ...(fingerprint ? { fingerprint } : {}),
      ...(sets.length > 0 ? { overrides: sets } : {}),
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
    const trainer: Trainer = new Trainer(tf, fitted, {
      ...(stepEngine ? { engine: stepEngine } : {}),
      epochs,
      batch,
      seed,
      shuffle: Number(settings['shuffle'] ?? 0),
      checkpointEvery: args.checkpointEvery ?? Number(settings['checkpoint_every'] ?? 0),
      onCheckpoint: (progress) => {
        flushSteps();
        run.writeCheckpoint(`step-${trainer.globalStep}`, checkpointFiles(trainer, { epoch: progress.epoch, progress, model: model.name }));
        pruneStepCheckpoints(run.path, keep);
      },
      onProgress: (step, examples, loss, seconds, epoch) => {
        pendingSteps.push({ step: trainer.globalStep, epoch, loss: fixed(loss) });
        if (!args.progress || step % 10 !== 0) return;
        const total = dataset.trainRows;
        const rate = examples / Math.max(seconds, 1e-9);
        const eta = Math.max(0, (total - examples) / Math.max(rate, 1e-9));
        const width = 24;
        const done = Math.round((width * examples) / Math.max(total, 1));
        io.stderr(
          `\r[${'#'.repeat(done)}${'.'.repeat(Math.max(0, width - done))}] ${examples}/${total} ${Math.round(rate)} ex/s loss ${loss.toFixed(4)} eta ${eta.toFixed(0)}s `,
        );
      },
    });
    if (threads > 1 && !ort) await trainer.startWorker(backend);
    let start: number | EpochProgress = 1;
    let history: Record<string, number>[] = [];
    let resumedStep: number | undefined;
    const checkpoint = resumeDir ? latestCheckpoint(resumeDir) : undefined;
    if (checkpoint) {
      const saved = readCheckpoint(checkpoint);
      resumedStep = saved.step;
      trainer.restore(saved.tensors, saved.step);
      start = saved.progress ?? saved.epoch + 1;
      const first = typeof start === 'number' ? start : start.epoch;
      // Records of epochs about to be trained again are dropped; a finished epoch whose
      // record was lost (stopped between checkpoint and log) gets it back from the checkpoint.
      history = readJsonLines<Record<string, number>>(join(run.path, 'metrics.jsonl')).filter((r) => r['epoch']! < first);
      if (saved.record && !history.some((r) => r['epoch'] === saved.epoch)) history.push(saved.record);
      run.rewriteLines('metrics.jsonl', history);
      // Steps after the checkpoint are trained again, and logged again.
      run.rewriteLines(
        'steps.jsonl',
        readJsonLines<StepRecord>(join(run.path, 'steps.jsonl')).filter((r) => r.step <= saved.step),
      );
      log(
        `resuming ${run.path} ${saved.progress ? `in epoch ${saved.epoch} after ${saved.progress.batches} batches` : `after epoch ${saved.epoch}`} (step ${saved.step})`,
      );
    }
    writeReport(run.path);
    // This run's epoch records, for the one `--json` document printed at the end.
    const epochRecords: Record<string, unknown>[] = [];
    log(
      `training ${model.name} ${ort ? `on ONNX Runtime (${threads} thread${threads === 1 ? '' : 's'})` : torch ? `with PyTorch (the ${backend} backend measures it)` : `on the ${backend} backend`}: ${epochs} epoch${epochs === 1 ? '' : 's'}, batch ${batch}`,
    );
    const onEpoch = (r: EpochReport): void => {
      if (args.progress) io.stderr('\r\x1b[K');
      const record = {
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
      run.writeCheckpoint(`epoch-${r.epoch}`, checkpointFiles(trainer, { epoch: r.epoch, steps: r.steps, model: model.name, record }));
      pruneStepCheckpoints(run.path, 0);
      run.appendMetrics(record);
      if (r.calibration.length > 0) run.writeJson('calibration.json', { epoch: r.epoch, outputs: r.calibration });
      writeReport(run.path);
      epochRecords.push(record);
      if (!args.json)
        log(
          [
            `epoch ${r.epoch}: loss ${record.loss}`,
            `${record.examples_per_s} ex/s`,
            ...Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`),
          ].join(', '),
        );
    };
    if (torch) {
      if (checkpoint && typeof start !== 'number') checkTorchWorld(checkpoint, torch.nproc * torch.nnodes);
      const resume = resumedStep === undefined ? undefined : { start, step: resumedStep };
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
          source: args.file,
          birdVersion,
          python: torchPython(),
          log,
          ...(args.checkpointEvery !== undefined ? { checkpointEvery: args.checkpointEvery } : {}),
          ...(resume ? { resume } : {}),
        },
        onEpoch,
        history,
      );
      if (outcome === 'prepared') log(`multi-node: ${join(run.path, 'torch', 'torchrun.sh')} holds the torchrun command`);
    } else await trainer.fit(dataset, onEpoch, start, history);
    // Early stopping keeps the weights of the epoch its metric was best at, not the last
    // epoch's; the run records which (`result.json`), and export and predict use it.
    const records = readJsonLines<Record<string, number>>(join(run.path, 'metrics.jsonl'));
    const lastEpoch = records.at(-1)?.['epoch'];
    const best = bestEpoch(settings['early_stop'], records);
    const bestPath = best === undefined ? undefined : join(run.path, 'checkpoints', `epoch-${best}`);
    const restored = best !== undefined && best !== lastEpoch && bestPath !== undefined && existsSync(bestPath);
    if (restored) {
      trainer.restoreParameters(readCheckpoint(bestPath).tensors);
      log(
        `early stopping: restored the weights of epoch ${best}, the best by \`${String((settings['early_stop'] as { args?: Record<string, unknown> }).args?.['metric'])}\` (the run's last epoch is ${lastEpoch})`,
      );
    }
    // With a validation part, the test part is scored once, now, with the weights kept.
    const test = dataset.hasValidation ? await trainer.evaluatePart(dataset, 'test') : undefined;
    if (test) log(['test part (scored once, after training)', ...Object.entries(test).map(([k, v]) => `${k} ${v.toFixed(4)}`)].join(', '));
    if (best !== undefined || test) {
      run.writeJson('result.json', {
        ...(best !== undefined ? { best_epoch: best, restored } : {}),
        ...(lastEpoch !== undefined ? { last_epoch: lastEpoch } : {}),
        ...(test ? { test: Object.fromEntries(Object.entries(test).map(([k, v]) => [k, fixed(v)])) } : {}),
      });
    }
    for (const part of ['train', 'validation', 'test'] as const) {
      const s = dataset.skipped[part];
      if (s.count > 0)
        log(
          `skipped ${s.count} bad row${s.count === 1 ? '' : 's'} of the ${part} part; the first:\n${renderDiagnostic({ ...s.first!.diagnostic, severity: 'warning' })}`,
        );
    }
    if (threads > 1 && !ort)
      log(
        trainer.parallel
          ? 'trained on 2 threads (each computing half of every batch)'
          : "trained on 1 thread: half-batch gradients did not add up to the whole batch's (sample weights)",
      );
    await trainer.stopWorker();
    log(`run written to ${run.path}`);
    if (args.json)
      io.stdout(
        JSON.stringify({ run: run.path, model: model.name, epochs: epochRecords, diagnostics: checked.diagnostics.map(diagnosticToJson) }) +
          '\n',
      );
    trainer.program.dispose();
    await stepEngine?.release();
    return ExitCode.ok;
  } catch (error) {
    // A new run that failed before its first checkpoint leaves nothing behind; a resumed
    // run, or one with checkpoints, keeps what it has.
    if (fresh && latestCheckpoint(run.path) === undefined) rmSync(run.path, { recursive: true, force: true });
    if (error instanceof DataError) {
      reportDiagnostics(io, [error.diagnostic], args);
      return ExitCode.diagnostics;
    }
    if (error instanceof TorchFailed) {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.diagnostics;
    }
    throw error;
  }
}
