import type { DataFingerprint } from '../artifact/manifest.js';
import type { DataSource } from '../data/dataset.js';
import type { AttrValue } from '../tensor/attrValue.js';

/** `config.json` of a run folder: what was trained, and how. Fields after `settings` are absent in runs of older versions. */
export interface RunConfig {
  readonly model: string;
  readonly file: string;
  readonly data: DataSource;
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
  readonly backend: string;
  readonly settings: Readonly<Record<string, AttrValue>>;
  /** The training engine; absent for `tfjs` (and in runs of older versions, which were all `tfjs`). */
  readonly engine?: string;
  /** Cores asked to compute each batch (the run's stderr says whether two were used). */
  readonly threads?: number;
  /** The Bird version that started the run, and the one that last resumed it. */
  readonly bird?: string;
  /** When the run was created (ISO 8601). */
  readonly created?: string;
  /** The data files as they were when the run was created (hashed) and its training rows. */
  readonly fingerprint?: DataFingerprint;
  /** The `--set PATH=VALUE` the run was started with, in order; `settings` already holds their values. */
  readonly overrides?: readonly string[];
}
