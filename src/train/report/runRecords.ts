import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IrGraph } from '../../ir/ir.js';
import type { RunConfig } from '../runConfig.js';
import type { OutputCalibration } from './outputCalibration.js';

/** One line of `metrics.jsonl`: the fixed figures and each metric by name (null: could not be computed). */
export type EpochRecord = Readonly<Record<string, number | null>> & { readonly epoch: number };

/** One line of `steps.jsonl`: a training step's loss. */
export interface StepRecord {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
}

/** `calibration.json`: the calibration of the model after `epoch`. */
export interface CalibrationRecord {
  readonly epoch: number;
  readonly outputs: readonly OutputCalibration[];
}

/** Everything the report shows, as read back from a run folder. */
export interface RunRecords {
  readonly path: string;
  readonly config: Partial<RunConfig>;
  /** The train section's metric names in their order (from `ir.json`), else those the records hold. */
  readonly metricNames: readonly string[];
  readonly epochs: readonly EpochRecord[];
  readonly steps: readonly StepRecord[];
  readonly calibration: CalibrationRecord | undefined;
}

/** The fixed fields of a `metrics.jsonl` record; every other field is a metric. */
export const epochFields: readonly string[] = ['epoch', 'steps', 'examples', 'train_s', 'examples_per_s', 'loss', 'peak_rss_mb'];

/** A run folder file that is not what `bird train` writes (edited, or cut short by a full disk). */
export class RunFileError extends Error {}

function parse<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RunFileError(`\`${where}\` is not valid JSON`);
  }
}

/** The records of a JSON-lines file, in order; none for a missing file. */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      if (l.trim() !== '') out.push(parse<T>(l, `${path}:${i + 1}`));
    });
  return out;
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? parse<T>(readFileSync(path, 'utf8'), path) : undefined;
}

/** Reads what `bird train` wrote into a run folder; files a run of an older version lacks are left empty. */
export function readRunRecords(path: string): RunRecords {
  const config = readJson<Partial<RunConfig>>(join(path, 'config.json')) ?? {};
  const graph = readJson<IrGraph>(join(path, 'ir.json'));
  const epochs = readJsonLines<EpochRecord>(join(path, 'metrics.jsonl'));
  const recorded = [...new Set(epochs.flatMap((r) => Object.keys(r).filter((k) => !epochFields.includes(k))))];
  const metricNames = graph?.train?.metrics.map((m) => m.name) ?? recorded;
  return {
    path,
    config,
    metricNames,
    epochs,
    steps: readJsonLines<StepRecord>(join(path, 'steps.jsonl')),
    calibration: readJson<CalibrationRecord>(join(path, 'calibration.json')),
  };
}
