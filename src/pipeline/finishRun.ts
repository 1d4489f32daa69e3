import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import type { AttrValue } from '../tensor/attrValue.js';
import { readCheckpoint } from '../train/checkpoint.js';
import { bestEpoch } from '../train/earlyStopper.js';
import { readJsonLines } from '../train/report/runRecords.js';
import type { RunDirectory } from '../train/runDirectory.js';
import type { Trainer } from '../train/trainer.js';
import type { TrainProgress } from './trainProgress.js';

function fixed(n: number): number {
  return Number(n.toFixed(4));
}

/**
 * What a run does once its epochs are trained. Early stopping keeps the weights of the
 * epoch its metric was best at, not the last epoch's; with a validation part, the test
 * part is scored once, with the weights kept; `result.json` records both, and export and
 * predict use the epoch it names. Then the bad rows skipped in each part are reported.
 */
export async function finishRun(
  run: RunDirectory,
  trainer: Trainer,
  dataset: Dataset,
  settings: Readonly<Record<string, AttrValue>>,
  onProgress: (event: TrainProgress) => void,
): Promise<void> {
  const records = readJsonLines<Record<string, number>>(join(run.path, 'metrics.jsonl'));
  const lastEpoch = records.at(-1)?.['epoch'];
  const best = bestEpoch(settings['early_stop'], records);
  const bestPath = best === undefined ? undefined : join(run.path, 'checkpoints', `epoch-${best}`);
  const restored = best !== undefined && best !== lastEpoch && bestPath !== undefined && existsSync(bestPath);
  if (restored) {
    trainer.restoreParameters(readCheckpoint(bestPath).tensors);
    const metric = String((settings['early_stop'] as { args?: Record<string, unknown> }).args?.['metric']);
    onProgress({ kind: 'earlyStop', best, metric, lastEpoch });
  }
  const test = dataset.hasValidation ? await trainer.evaluatePart(dataset, 'test') : undefined;
  if (test) onProgress({ kind: 'tested', metrics: test });
  if (best !== undefined || test) {
    run.writeJson('result.json', {
      ...(best !== undefined ? { best_epoch: best, restored } : {}),
      ...(lastEpoch !== undefined ? { last_epoch: lastEpoch } : {}),
      ...(test ? { test: Object.fromEntries(Object.entries(test).map(([k, v]) => [k, fixed(v)])) } : {}),
    });
  }
  for (const part of ['train', 'validation', 'test'] as const) {
    const s = dataset.skipped[part];
    if (s.count > 0) onProgress({ kind: 'skipped', part, count: s.count, first: { ...s.first!.diagnostic, severity: 'warning' } });
  }
}
