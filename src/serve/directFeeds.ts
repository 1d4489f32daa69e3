import type { SignatureInput } from '../backends/onnx/exportedSignature.js';
import type { OnnxValue } from '../backends/onnx/runOnnx.js';
import type { FieldSpec } from '../data/decodeField.js';

/**
 * One input of a signature whose every input is one scalar a row fed as the client holds
 * it (a discrete id, a number, a string; no out-of-graph step): the case where a request's
 * values can be written straight into the tensor, as `signatureFeeds` would write the
 * text `RequestRows` makes of them.
 */
interface Column {
  readonly input: SignatureInput;
  readonly kind: 'int64' | 'float32' | 'string';
  /** Discrete ids are below this. */
  readonly bound: number;
}

type Data = BigInt64Array | Float32Array | string[];

/** A request's rows encoded: their count and the signature's feeds. */
export interface Encoded {
  readonly count: number;
  readonly feeds: Record<string, OnnxValue>;
}

/**
 * The fast path of a request's rows to feeds, for the signatures it applies to (`of`):
 * no row object and no text a value, the typed arrays filled as the values are read.
 * It takes only the values `RequestRows` accepts without `decodeField` (an integer id in
 * range for a discrete feature, a finite number for a continuous one, a string for a
 * string one; a missing field), and writes what `signatureFeeds` writes for them (-1,
 * NaN, `""` for a missing one). On anything else (another value, an unknown name, a shape
 * it does not read) it answers undefined and the request takes the general path, which
 * accepts or refuses it with its own message: the two paths cannot disagree.
 */
export class DirectFeeds {
  private constructor(
    private readonly columns: readonly Column[],
    /** The columns (their indices) each feature fills. */
    private readonly byFeature: ReadonlyMap<string, readonly number[]>,
  ) {}

  /** The fast path for a signature, or undefined when one of its inputs needs the general one. */
  static of(inputs: readonly SignatureInput[], specs: readonly FieldSpec[]): DirectFeeds | undefined {
    const specOf = new Map(specs.map((s) => [s.name, s]));
    const columns: Column[] = [];
    const byFeature = new Map<string, number[]>();
    for (const input of inputs) {
      const spec = specOf.get(input.feature);
      if (!spec || input.outOfGraph.length > 0 || input.shape.slice(1).some((d) => d !== 1)) return undefined;
      // The branches of signatureFeeds these inputs take: a scalar string, an int64 id, one float a row.
      let kind: Column['kind'];
      if (input.encoding === 'string' && input.shape.length === 1 && spec.kind === 'string') kind = 'string';
      else if (input.encoding === 'string' || input.encoding === 'vocab_hash' || input.encoding === 'padded_ids') return undefined;
      else if (input.dtype === 'int64' && input.shape.length === 1 && spec.kind === 'discrete') kind = 'int64';
      else if (input.dtype === 'float32' && spec.kind === 'continuous') kind = 'float32';
      else return undefined;
      byFeature.set(input.feature, [...(byFeature.get(input.feature) ?? []), columns.length]);
      columns.push({ input, kind, bound: Number(spec.args['n']) });
    }
    return new DirectFeeds(columns, byFeature);
  }

  private allocate(n: number): Data[] {
    return this.columns.map((c) =>
      c.kind === 'int64'
        ? new BigInt64Array(n).fill(-1n)
        : c.kind === 'float32'
          ? new Float32Array(n).fill(NaN)
          : new Array<string>(n).fill(''),
    );
  }

  /** Writes `value` as row `i` of every column of `feature`; false when it is not a value this path takes. */
  private put(data: Data[], feature: string, i: number, value: unknown): boolean {
    const indices = this.byFeature.get(feature);
    if (indices === undefined) return false;
    for (const k of indices) {
      const c = this.columns[k]!;
      if (c.kind === 'string') {
        if (typeof value !== 'string') return false;
        (data[k] as string[])[i] = value;
      } else if (typeof value !== 'number') {
        return false;
      } else if (c.kind === 'int64') {
        if (!Number.isInteger(value) || value < 0 || value >= c.bound) return false;
        (data[k] as BigInt64Array)[i] = BigInt(value);
      } else {
        if (!Number.isFinite(value)) return false;
        // -0 as 0: the general path writes the number's text, and `String(-0)` is "0".
        (data[k] as Float32Array)[i] = value === 0 ? 0 : value;
      }
    }
    return true;
  }

  private feeds(data: Data[], n: number): Encoded {
    const feeds: Record<string, OnnxValue> = {};
    this.columns.forEach((c, k) => {
      const dims = c.input.shape.map((d, j) => (j === 0 ? n : 1));
      feeds[c.input.name] =
        c.kind === 'int64'
          ? { dtype: 'int64', data: data[k] as BigInt64Array, dims }
          : c.kind === 'float32'
            ? { dtype: 'float32', data: data[k] as Float32Array, dims }
            : { dtype: 'string', data: data[k] as string[], dims };
    });
    return { count: n, feeds };
  }

  /** TF Serving's row form (a list of objects of feature values), or undefined. */
  instances(instances: unknown): Encoded | undefined {
    if (!Array.isArray(instances) || instances.length === 0) return undefined;
    const n = instances.length;
    const data = this.allocate(n);
    for (let i = 0; i < n; i++) {
      const instance: unknown = instances[i];
      if (instance === null || typeof instance !== 'object' || Array.isArray(instance)) return undefined;
      const values = instance as Record<string, unknown>;
      for (const name in values) if (!this.put(data, name, i, values[name])) return undefined;
    }
    return this.feeds(data, n);
  }

  /** TF Serving's columnar form (an object of lists of the same length), or undefined. */
  columnsOf(inputs: unknown): Encoded | undefined {
    if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) return undefined;
    const lists = inputs as Record<string, unknown>;
    let n = -1;
    for (const name in lists) {
      const list = lists[name];
      if (!Array.isArray(list) || (n >= 0 && list.length !== n)) return undefined;
      n = list.length;
    }
    if (n <= 0) return undefined;
    const data = this.allocate(n);
    for (const name in lists) {
      const list = lists[name] as unknown[];
      for (let i = 0; i < n; i++) if (!this.put(data, name, i, list[i])) return undefined;
    }
    return this.feeds(data, n);
  }
}
