import type { ManifestSignature } from '../artifact/manifest.js';
import type { OnnxValue } from '../backends/onnx/runOnnx.js';
import { signatureFeeds } from '../data/signatureFeeds.js';
import type { RequestInput } from './requestRows.js';
import type { FeedsSession } from './workerSession.js';

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
  readonly input: RequestInput;
  readonly resolve: (out: RowsOutput[]) => void;
  readonly reject: (error: unknown) => void;
}

const slice = <T>(data: ArrayLike<T>, start: number, end: number): ArrayLike<T> =>
  'subarray' in data
    ? (data as unknown as { subarray(a: number, b: number): ArrayLike<T> }).subarray(start, end)
    : Array.prototype.slice.call(data, start, end);

/**
 * The feeds of several requests as one batch: each request's feeds (encoded here when it
 * came as rows) joined along the rows. Only requests of a signature the fast path takes
 * come as feeds, and every input of such a signature is one value a row, so the joined
 * tensors are the requests' tensors one after the other.
 */
function joinedFeeds(inputs: ManifestSignature['inputs'], taken: readonly RequestInput[]): Record<string, OnnxValue> {
  const parts = taken.map((t) => ('feeds' in t ? t.feeds : signatureFeeds(inputs, t.rows)));
  const count = taken.reduce((sum, t) => sum + t.count, 0);
  const joined: Record<string, OnnxValue> = {};
  for (const name of Object.keys(parts[0]!)) {
    const values = parts.map((p) => p[name]!);
    const first = values[0]!;
    const dims = [count, ...first.dims.slice(1)];
    if (first.dtype === 'string') {
      joined[name] = { dtype: 'string', dims, data: values.flatMap((v) => v.data as readonly string[]) };
      continue;
    }
    const data =
      first.dtype === 'float32'
        ? new Float32Array(count * (first.data.length / first.dims[0]!))
        : first.dtype === 'int64'
          ? new BigInt64Array(count * (first.data.length / first.dims[0]!))
          : new Uint8Array(count * (first.data.length / first.dims[0]!));
    let offset = 0;
    for (const v of values) {
      (data as Float32Array).set(v.data as Float32Array, offset);
      offset += v.data.length;
    }
    joined[name] = { dtype: first.dtype, dims, data } as OnnxValue;
  }
  return joined;
}

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
    private readonly session: FeedsSession,
    private readonly batching: BatchingOptions | undefined,
    /** Called with the row count of every run, for the batch-size metric. */
    private readonly onRun: (rows: number) => void = () => {},
  ) {}

  predict(input: RequestInput): Promise<RowsOutput[]> {
    const b = this.batching;
    if (!b || input.count >= b.maxBatch) return this.run(input);
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.queued += input.count;
      if (this.queued >= b.maxBatch) this.flush();
      else if (this.timer === undefined)
        this.timer = b.delayMs <= 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), b.delayMs);
    });
  }

  private async run(input: RequestInput): Promise<RowsOutput[]> {
    this.onRun(input.count);
    const result = await this.session.run('feeds' in input ? input.feeds : signatureFeeds(this.signature.inputs, input.rows));
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
    while (this.queue.length > 0 && (taken.length === 0 || count + this.queue[0]!.input.count <= max)) {
      const w = this.queue.shift()!;
      taken.push(w);
      count += w.input.count;
    }
    this.queued -= count;
    if (this.queue.length > 0) this.timer = setImmediate(() => this.flush());
    if (taken.length === 0) return;
    const inputs = taken.map((w) => w.input);
    let batch: RequestInput;
    try {
      batch = inputs.every((i) => 'rows' in i)
        ? { count, rows: inputs.flatMap((i) => ('rows' in i ? i.rows : [])) }
        : { count, feeds: joinedFeeds(this.signature.inputs, inputs) };
    } catch (error) {
      taken.forEach((w) => w.reject(error));
      return;
    }
    this.run(batch).then(
      (outputs) => {
        let offset = 0;
        for (const w of taken) {
          const n = w.input.count;
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
