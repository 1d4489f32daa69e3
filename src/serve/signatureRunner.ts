import type { ManifestSignature } from '../artifact/manifest.js';
import type { OnnxSession, OnnxValue } from '../backends/onnx/runOnnx.js';
import { signatureFeeds, type ClientRow } from '../data/signatureFeeds.js';

/** Dynamic batching: requests arriving within `delayMs` of the first are run together, up to `maxBatch` rows. */
export interface BatchingOptions {
  readonly maxBatch: number;
  /** How long the first queued request waits for others, in milliseconds (fractions allowed; 0 waits one turn of the event loop). */
  readonly delayMs: number;
}

/** One output of a run for the rows of one request: the values of its rows, row-major. */
export interface RowsOutput {
  readonly name: string;
  readonly dtype: OnnxValue['dtype'];
  /** The dimensions, the first being the request's row count. */
  readonly dims: readonly number[];
  readonly data: ArrayLike<number | bigint | string | boolean>;
}

interface Waiting {
  readonly rows: readonly ClientRow[];
  readonly resolve: (out: RowsOutput[]) => void;
  readonly reject: (error: unknown) => void;
}

const slice = <T>(data: ArrayLike<T>, start: number, end: number): ArrayLike<T> =>
  'subarray' in data
    ? (data as unknown as { subarray(a: number, b: number): ArrayLike<T> }).subarray(start, end)
    : Array.prototype.slice.call(data, start, end);

/**
 * Runs one signature of one loaded version: rows encoded by `signatureFeeds` (the code
 * `bird predict ARTIFACT` and the no-Bird client follow), fed to ONNX Runtime. With
 * batching, concurrent requests are merged into one run and each gets its own rows of
 * the outputs back; a request of `maxBatch` rows or more runs on its own.
 */
export class SignatureRunner {
  private queue: Waiting[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    readonly signature: ManifestSignature,
    private readonly session: OnnxSession,
    private readonly batching: BatchingOptions | undefined,
    /** Called with the row count of every run, for the batch-size metric. */
    private readonly onRun: (rows: number) => void = () => {},
  ) {}

  predict(rows: readonly ClientRow[]): Promise<RowsOutput[]> {
    const b = this.batching;
    if (!b || rows.length >= b.maxBatch) return this.run(rows);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queued += rows.length;
      if (this.queued >= b.maxBatch) this.flush();
      else if (this.timer === undefined)
        this.timer = b.delayMs <= 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), b.delayMs);
    });
  }

  private async run(rows: readonly ClientRow[]): Promise<RowsOutput[]> {
    this.onRun(rows.length);
    const result = await this.session.run(signatureFeeds(this.signature.inputs, rows));
    return this.signature.outputs.map((o) => ({
      name: o.name,
      dtype: result[o.name]!.dtype,
      dims: result[o.name]!.dims,
      data: result[o.name]!.data,
    }));
  }

  /** Runs the queued requests, up to `maxBatch` rows, as one batch; what is left waits for the next. */
  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const max = this.batching!.maxBatch;
    const taken: Waiting[] = [];
    let count = 0;
    while (this.queue.length > 0 && (taken.length === 0 || count + this.queue[0]!.rows.length <= max)) {
      const w = this.queue.shift()!;
      taken.push(w);
      count += w.rows.length;
    }
    this.queued -= count;
    if (this.queue.length > 0) this.timer = setImmediate(() => this.flush());
    if (taken.length === 0) return;
    this.run(taken.flatMap((w) => w.rows)).then(
      (outputs) => {
        let offset = 0;
        for (const w of taken) {
          const n = w.rows.length;
          w.resolve(
            outputs.map((o) => {
              const perRow = o.dims.slice(1).reduce((p, q) => p * q, 1);
              return {
                name: o.name,
                dtype: o.dtype,
                dims: [n, ...o.dims.slice(1)],
                data: slice(o.data, offset * perRow, (offset + n) * perRow),
              };
            }),
          );
          offset += n;
        }
      },
      (error: unknown) => taken.forEach((w) => w.reject(error)),
    );
  }
}
