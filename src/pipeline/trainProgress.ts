import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { BackendName } from '../backends/tfjs/loadTf.js';
import type { TrainEngineName } from '../semantic/builtins.js';

/** The parts of a run's data: training, the validation part the epochs watch, and the test part. */
export type DataPart = 'train' | 'validation' | 'test';

/** One epoch's line of `metrics.jsonl`: its figures, rounded as the run records them, and each metric by name. */
export type EpochRecord = Readonly<Record<string, number>>;

/**
 * What `trainModel` reports while it runs, in order: each event when it has happened (a
 * checkpoint once written, an epoch once recorded). `bird train` prints them on stderr; a
 * server or a notebook may show them otherwise, or ignore them.
 */
export type TrainProgress =
  /** The file checked without errors; its warnings (an unused feature), shown before training. */
  | { readonly kind: 'checked'; readonly warnings: readonly Diagnostic[] }
  /** The transforms fitted on the training rows (not on a resumed run, which keeps its own). */
  /** `from`: the transforms were not fitted but taken from this file of `bird fit` statistics (`trainRows`: the rows it counted). */
  | { readonly kind: 'fitted'; readonly trainRows: number; readonly seconds: number; readonly from?: string }
  /** Negative downsampling kept `kept` of the `negatives` negative training rows. */
  | { readonly kind: 'downsampled'; readonly kept: number; readonly negatives: number }
  /** A resumed run goes on from its newest checkpoint: after epoch `epoch`, or inside it after `batches` batches. */
  | { readonly kind: 'resumed'; readonly run: string; readonly epoch: number; readonly batches?: number; readonly step: number }
  /** Training starts: the engine, the TF.js backend (which measures a PyTorch run), its threads, epochs and batch. */
  | {
      readonly kind: 'started';
      readonly model: string;
      readonly engine: TrainEngineName;
      readonly backend: BackendName;
      readonly threads: number;
      readonly epochs: number;
      readonly batch: number;
    }
  /** A training step: the `step`-th batch of the epoch, its loss, the epoch's examples and seconds so far, of `total` training rows. */
  | {
      readonly kind: 'step';
      readonly epoch: number;
      readonly step: number;
      readonly examples: number;
      readonly total: number;
      readonly loss: number;
      readonly seconds: number;
    }
  /** A checkpoint written under `RUN/checkpoints/`: `step-N` inside an epoch, `epoch-N` at its end. */
  | { readonly kind: 'checkpoint'; readonly name: string; readonly path: string }
  /** An epoch trained, evaluated, checkpointed and recorded: its record, and its metrics unrounded. */
  | { readonly kind: 'epoch'; readonly record: EpochRecord; readonly metrics: Readonly<Record<string, number>> }
  /** Early stopping kept the weights of epoch `best`, the best by `metric`, rather than the last epoch's. */
  | { readonly kind: 'earlyStop'; readonly best: number; readonly metric: string; readonly lastEpoch: number | undefined }
  /** The test part, scored once after training (with a validation part, which the epochs watched). */
  | { readonly kind: 'tested'; readonly metrics: Readonly<Record<string, number>> }
  /** Bad rows of a part skipped (`bad_data = skip(...)`), and the first one's diagnostic. */
  | { readonly kind: 'skipped'; readonly part: DataPart; readonly count: number; readonly first: Diagnostic }
  /** With two threads asked for: whether each batch was split over both (not when the halves' gradients do not add up). */
  | { readonly kind: 'threads'; readonly parallel: boolean }
  /** A line of the PyTorch engine (its ranks, their device, a multi-node job prepared). */
  | { readonly kind: 'engine'; readonly line: string }
  /** `--nnodes` above 1: the torchrun command to start on each node is in `script`. */
  | { readonly kind: 'prepared'; readonly script: string }
  /** The run folder is complete. */
  | { readonly kind: 'written'; readonly run: string };
