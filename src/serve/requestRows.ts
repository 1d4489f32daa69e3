import type { SignatureInput } from '../backends/onnx/exportedSignature.js';
import type { OnnxValue } from '../backends/onnx/runOnnx.js';
import { decodeField, type FieldSpec } from '../data/decodeField.js';
import type { RawValue } from '../data/readRows.js';
import { clientText, type ClientRow } from '../data/signatureFeeds.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { DirectFeeds } from './directFeeds.js';
import { ServeError } from './serveError.js';

/**
 * A request's rows as the runner takes them: the client rows `signatureFeeds` encodes, or
 * the feeds already encoded by the fast path (`DirectFeeds`).
 */
export type RequestInput =
  | { readonly count: number; readonly rows: readonly ClientRow[] }
  | { readonly count: number; readonly feeds: Readonly<Record<string, OnnxValue>> };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A JSON value as a short quote for a message. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * Turns the raw features of a request into the rows `signatureFeeds` encodes, checking each
 * value as the data stage checks a data file's (`decodeField`: a number for a continuous
 * feature, an integer in range for a discrete one, keys for a sparse one), so a bad value
 * is a 400 naming the field instead of a silent default. A missing or null value takes the
 * feature's default, as a missing field of a data file does.
 */
export class RequestRows {
  private readonly byName: ReadonlyMap<string, FieldSpec>;
  private readonly direct: DirectFeeds | undefined;

  constructor(
    /** The features the signature reads. */
    readonly specs: readonly FieldSpec[],
    /** How messages name the signature: `signature \`serve\` of flights 1.0.0`. */
    private readonly what: string,
    /** The signature's inputs, for the fast path; none without them. */
    inputs?: readonly SignatureInput[],
  ) {
    this.byName = new Map(specs.map((s) => [s.name, s]));
    this.direct = inputs && DirectFeeds.of(inputs, specs);
  }

  /** The row form read for the runner: the fast path's feeds when it takes every value, else `instances`. */
  readInstances(instances: unknown, field = 'instances'): RequestInput {
    const direct = this.direct?.instances(instances);
    if (direct) return direct;
    const rows = this.instances(instances, field);
    return { count: rows.length, rows };
  }

  /** The columnar form read for the runner: the fast path's feeds when it takes every value, else `columns`. */
  readColumns(inputs: unknown, field = 'inputs'): RequestInput {
    const direct = this.direct?.columnsOf(inputs);
    if (direct) return direct;
    const rows = this.columns(inputs, field);
    return { count: rows.length, rows };
  }

  private spec(name: string, field: string): FieldSpec {
    const spec = this.byName.get(name);
    if (spec) return spec;
    const hint = didYouMean(name, this.byName.keys());
    throw new ServeError(
      'invalid',
      `unknown feature \`${name}\` in ${field}: ${this.what} reads ${[...this.byName.keys()].map((k) => `\`${k}\``).join(', ')}${hint ? `; ${hint}` : ''}`,
      field,
    );
  }

  private value(spec: FieldSpec, given: unknown, field: string): string {
    // The values most requests carry, accepted without decodeField's allocations (it accepts them alike).
    if (typeof given === 'number') {
      if (spec.kind === 'continuous' && Number.isFinite(given)) return String(given);
      if (spec.kind === 'discrete' && Number.isInteger(given) && given >= 0 && given < Number(spec.args['n'])) return String(given);
    } else if (typeof given === 'string' && spec.kind === 'string') {
      return given;
    }
    // NaN is how float tensors (gRPC, KServe) carry a missing value, as the ONNX inputs do.
    const raw = typeof given === 'number' && Number.isNaN(given) ? null : given;
    const result = decodeField(spec, raw as RawValue);
    if (!result.ok)
      throw new ServeError(
        'invalid',
        `${field} is ${shown(raw)}, but feature \`${spec.name}\` is \`${spec.kind}\` and takes ${result.expected}`,
        field,
      );
    return clientText(raw as RawValue);
  }

  /** One row from a JSON object of feature values. */
  row(instance: unknown, field: string): ClientRow {
    if (!isObject(instance)) {
      // A bare value is an instance of a signature with one input (TF Serving's short form).
      if (this.specs.length === 1) return { [this.specs[0]!.name]: this.value(this.specs[0]!, instance, field) };
      throw new ServeError(
        'invalid',
        `${field} is ${shown(instance)}, not an object of feature values (${this.what} reads ${this.specs.length} features)`,
        field,
      );
    }
    const row: Record<string, string> = {};
    for (const name in instance) {
      const spec = this.byName.get(name) ?? this.spec(name, `${field}.${name}`);
      row[name] = this.value(spec, instance[name], `${field}.${name}`);
    }
    return row;
  }

  /** TF Serving's row form: a list of instances. */
  instances(instances: unknown, field = 'instances'): ClientRow[] {
    if (!Array.isArray(instances))
      throw new ServeError('invalid', `\`${field}\` must be a list of instances, got ${shown(instances)}`, field);
    if (instances.length === 0) throw new ServeError('invalid', `\`${field}\` is empty: send at least one instance`, field);
    return instances.map((x, i) => this.row(x, `${field}[${i}]`));
  }

  /**
   * TF Serving's columnar form: each feature's values as a list, one per row, all of the same
   * length (a scalar for one row is accepted when every feature is a scalar).
   */
  columns(inputs: unknown, field = 'inputs'): ClientRow[] {
    if (!isObject(inputs)) {
      if (this.specs.length === 1 && Array.isArray(inputs)) return this.columns({ [this.specs[0]!.name]: inputs }, field);
      throw new ServeError('invalid', `\`${field}\` must be an object of feature values by name, got ${shown(inputs)}`, field);
    }
    const names = Object.keys(inputs);
    if (names.length === 0) throw new ServeError('invalid', `\`${field}\` names no feature`, field);
    const lists = names.map((name) => {
      this.spec(name, `${field}.${name}`);
      return Array.isArray(inputs[name]) ? (inputs[name] as unknown[]) : undefined;
    });
    const counts = new Set(lists.map((l) => l?.length ?? 1));
    if (counts.size > 1 || (lists.some((l) => l === undefined) && !lists.every((l) => l === undefined))) {
      throw new ServeError(
        'invalid',
        `the features of \`${field}\` have different numbers of rows (${names.map((n, i) => `${n}: ${lists[i]?.length ?? 'a scalar'}`).join(', ')})`,
        field,
      );
    }
    const n = [...counts][0]!;
    if (n === 0) throw new ServeError('invalid', `\`${field}\` has no rows`, field);
    return Array.from({ length: n }, (_, i) => {
      const row: Record<string, string> = {};
      names.forEach((name, j) => {
        const f = lists[j] ? `${field}.${name}[${i}]` : `${field}.${name}`;
        row[name] = this.value(this.byName.get(name)!, lists[j] ? lists[j][i] : inputs[name], f);
      });
      return row;
    });
  }
}
