/**
 * Compile-time functions available everywhere, and the constructors the `train` section
 * uses for its settings. A constructor's call is recorded, not run: `adam(lr: 1e-3)`
 * becomes the setting `{fn: "adam", args: {lr: 0.001}}` for the trainer to interpret.
 */
export const compileTimeBuiltins = ['range', 'len', 'int', 'float', 'vocab_size', 'shape', 'rank', 'assert', 'callable', 'shared'] as const;

/** Each train-section constructor and the named arguments it accepts. */
export const configConstructors: ReadonlyMap<string, readonly string[]> = new Map([
  // data sources and splits
  // The format (and a TSV's tab) comes from the file name.
  ['csv', ['path', 'split']],
  ['jsonl', ['path', 'split']],
  // Columnar files; any path may be a glob (`part-*.parquet`), read in path order.
  ['parquet', ['path', 'split']],
  ['arrow', ['path', 'split']],
  ['holdout', ['every', 'offset', 'fraction', 'key', 'validation', 'validation_offset']],
  ['by_date', ['column', 'test_from', 'validation_from']],
  ['files', ['train', 'test', 'validation']],
  // optimizers
  ['sgd', ['lr', 'schedule']],
  ['momentum', ['lr', 'momentum', 'nesterov', 'schedule']],
  ['adam', ['lr', 'beta1', 'beta2', 'eps', 'lazy', 'schedule']],
  ['adagrad', ['lr', 'initial_accumulator', 'schedule']],
  // learning-rate schedules
  ['constant', []],
  ['warmup', ['steps']],
  ['linear', ['warmup', 'steps', 'end']],
  ['cosine', ['warmup', 'steps', 'end']],
  ['step', ['every', 'gamma', 'warmup']],
  ['exponential', ['rate', 'every', 'warmup']],
  // policies
  ['early_stop', ['metric', 'patience', 'mode', 'min_delta']],
  ['skip', ['max']],
  ['fail', []],
]);

/** Train settings by name: what each holds. `early_stop(...)` may also stand alone. */
export const trainSettings: ReadonlyMap<string, string> = new Map([
  ['data', 'a data source such as `csv(...)`'],
  ['loss', 'a scalar loss tensor'],
  ['optimizer', 'an optimizer such as `adam(lr: 1e-3)`'],
  ['batch', 'a positive integer'],
  ['epochs', 'a positive integer'],
  ['metrics', 'a list of metrics'],
  ['seed', 'an integer'],
  ['clip_norm', 'a positive number'],
  ['weight_decay', 'a non-negative number'],
  ['shuffle', 'a buffer size (an integer)'],
  ['checkpoint_every', 'a number of steps'],
  ['keep_checkpoints', 'how many step checkpoints to keep (an integer)'],
  ['threads', '1 or 2: cores computing each batch'],
  ['engine', 'the training engine: `"tfjs"`, `"onnxruntime"` or `"torch"`'],
  ['bad_data', '`skip(...)` or `fail()`'],
  ['early_stop', '`early_stop(metric: ..., patience: ...)`'],
]);

/**
 * The engines `bird train` can run a model's training step on (`engine = "..."`,
 * `--engine`). Which of them is available where is the training stage's business
 * (`src/train/engine.ts`); the checker only knows the names.
 */
export const trainEngines = ['tfjs', 'onnxruntime', 'torch'] as const;
export type TrainEngineName = (typeof trainEngines)[number];
