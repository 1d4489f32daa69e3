import { dirname, isAbsolute, join } from 'node:path';
import type { IrFeature, IrGraph, IrType } from '../ir/ir.js';
import { transformChain, transformedNode } from '../ir/transformChain.js';
import { note } from '../diagnostics/diagnostic.js';
import type { AttrValue } from '../tensor/attrValue.js';
import { applyTransform, type TransformStep } from './applyTransform.js';
import { ShuffleBuffer, packBatch, type Batch } from './batch.js';
import { EncodedPart } from './encodedPart.js';
import { RowDecoder } from './decodeRow.js';
import { DataError } from './dataError.js';
import type { FieldValue } from './decodeField.js';
import { countPass, fitTransforms } from './fitTransforms.js';
import { applyStatistics, completes, groupsDiffer, passEntries, type FitStatistics, type PipelineKey } from './fitStatistics.js';
import { StateMismatch } from './fitState.js';
import { readDataRows } from './readDataRows.js';
import type { DataFormat, RawRow } from './readRows.js';
import { hasValidation, partOf, splitRule, type Part, type SplitRule } from './split.js';
import { birdHashSeed } from './hashBucket.js';
import { murmur3x86_32 } from '../ops/murmur3.js';
import { fieldColumns } from '../semantic/featureKinds.js';
import { resolveGroups } from './resolveGroups.js';

const encoder = new TextEncoder();

/**
 * Whether training row `index` (counted in file order) survives negative downsampling at
 * `rate`: a hash of the index, so the same rows are kept in every epoch and every run.
 */
export function keepsNegative(index: number, rate: number): boolean {
  return murmur3x86_32(encoder.encode(`row:${index}`), birdHashSeed) / 4294967296 < rate;
}

/** Where the rows come from: one file split by a rule, or separate train and test files. */
export type DataSource =
  /** `path` may be a glob: the files it matches are read as one stream, in path order. `format` when the constructor names it (`parquet(...)`, `arrow(...)`). */
  | { readonly kind: 'file'; readonly path: string; readonly split: SplitRule; readonly format?: DataFormat }
  | { readonly kind: 'files'; readonly train: string; readonly test: string; readonly validation?: string };

/** Reads the `data` setting (`csv("f.csv", split: holdout(every: 6))`, `files(train: ..., test: ...)`); paths are relative to the model file. */
export function dataSource(setting: AttrValue | undefined, modelPath: string, override?: string): DataSource | undefined {
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(dirname(modelPath), p));
  const record = setting as { fn?: string; args?: Record<string, AttrValue>; positional?: AttrValue[] } | undefined;
  if (override !== undefined) return { kind: 'file', path: override, split: splitRule(record?.args?.['split']) };
  if (!record) return undefined;
  if (record.fn === 'files') {
    const validation = record.args?.['validation'];
    return {
      kind: 'files',
      train: resolve(String(record.args?.['train'])),
      test: resolve(String(record.args?.['test'])),
      ...(validation !== undefined ? { validation: resolve(String(validation)) } : {}),
    };
  }
  const path = record.positional?.[0] ?? record.args?.['path'];
  if (typeof path !== 'string') return undefined;
  const format = record.fn === 'parquet' || record.fn === 'arrow' ? { format: record.fn as DataFormat } : {};
  return { kind: 'file', path: resolve(path), split: splitRule(record.args?.['split']), ...format };
}

/** The file a part is read from: the one file of a split, or that part's own file (none for a missing validation file). */
export function sourcePath(source: DataSource, part: Part): string | undefined {
  if (source.kind === 'file') return source.path;
  return part === 'train' ? source.train : part === 'test' ? source.test : source.validation;
}

/** Whether a data source has a validation part. */
export function sourceHasValidation(source: DataSource): boolean {
  return source.kind === 'files' ? source.validation !== undefined : hasValidation(source.split);
}

/** A feature the model reads, with its transforms and the IR type of its final value. */
interface Column {
  readonly feature: IrFeature;
  readonly steps: TransformStep[];
  readonly type: IrType;
}

/**
 * The training data of one model: which columns to read, the fitting pre-pass, and
 * batches of one part (train or test) packed for the backends. Rows are streamed;
 * nothing holds the whole file.
 */
export class Dataset {
  private columns: Column[];

  /** What to do with a bad row: fail (the default), or skip up to `max` of them per pass. */
  readonly policy: { readonly kind: 'fail' } | { readonly kind: 'skip'; readonly max: number };

  constructor(
    private graph: IrGraph,
    readonly source: DataSource,
    policy?: AttrValue,
    /** `features`: read only the features (prediction on rows without labels). */
    read: 'all' | 'features' = 'all',
  ) {
    const setting = (policy ?? graph.train?.settings['bad_data']) as { fn?: string; args?: Record<string, AttrValue> } | undefined;
    this.policy =
      setting?.fn === 'skip' ? { kind: 'skip', max: Number(setting.args?.['max'] ?? Number.MAX_SAFE_INTEGER) } : { kind: 'fail' };
    this.columns = graph.features.flatMap((f) => {
      if (read === 'features' && f.role === 'label') return [];
      const type = finalType(graph, f);
      return type ? [{ feature: f, steps: f.transforms.map((t) => ({ op: t.op, args: t.args })), type }] : [];
    });
  }

  /** The features and labels read from data (those the model uses). */
  get names(): string[] {
    return this.columns.map((c) => c.feature.name);
  }

  /** The IR type of each column `names` lists, after its transforms: what a batch column holds. */
  get types(): IrType[] {
    return this.columns.map((c) => c.type);
  }

  /** Negative training rows left out by `binary(downsample_neg: r)` labels in the last pass, and those read. */
  readonly downsampled = { dropped: 0, negatives: 0 };

  /** Rows skipped as bad under `bad_data = skip(...)`, by part, with the first one's diagnostic. */
  readonly skipped: Record<Part, { count: number; first: DataError | null }> = {
    train: { count: 0, first: null },
    validation: { count: 0, first: null },
    test: { count: 0, first: null },
  };

  /** Whether the source sets rows aside for validation (a third part, evaluated after every epoch while `test` waits for the end). */
  get hasValidation(): boolean {
    return sourceHasValidation(this.source);
  }

  private async *decoded(part: Part): AsyncGenerator<FieldValue[]> {
    const path = sourcePath(this.source, part);
    if (path === undefined) return;
    const named = this.source.kind === 'file' ? this.source.format : undefined;
    const skipped = { count: 0, first: null as DataError | null };
    // The labels whose negatives the training part keeps only a fraction of (one shared rate).
    const downsampled =
      part === 'train'
        ? this.columns.flatMap((c, i) =>
            c.feature.role === 'label' && typeof c.feature.args['downsample_neg'] === 'number' && c.feature.args['downsample_neg'] < 1
              ? [i]
              : [],
          )
        : [];
    const rate = downsampled.length > 0 ? Number(this.columns[downsampled[0]!]!.feature.args['downsample_neg']) : 1;
    if (part === 'train') {
      this.downsampled.dropped = 0;
      this.downsampled.negatives = 0;
    }
    let index = 0;
    for await (const { row, decoder } of this.rows(path, named)) {
      const mine = this.source.kind === 'files' || partOf(this.source.split, index, row) === part;
      index++;
      if (!mine) continue;
      try {
        const values = decoder.decode(row);
        if (downsampled.length > 0 && downsampled.every((i) => isZero(values[i]!))) {
          this.downsampled.negatives++;
          if (!keepsNegative(index - 1, rate)) {
            this.downsampled.dropped++;
            continue;
          }
        }
        yield values;
      } catch (error) {
        // A missing column fails whatever the policy: every row would be skipped.
        if (!(error instanceof DataError) || this.policy.kind === 'fail' || error.diagnostic.code === 'BIRD7003') throw error;
        skipped.count++;
        skipped.first ??= error;
        if (skipped.count > this.policy.max) {
          throw new DataError({
            ...error.diagnostic,
            notes: [...error.diagnostic.notes, note('badRowLimit', { max: String(this.policy.max) })],
          });
        }
      }
    }
    this.skipped[part] = skipped;
  }

  /** The columns a pass reads from a file: the features' and labels', and the split's. */
  private get projected(): string[] {
    const split = this.source.kind === 'file' ? this.source.split : { kind: 'none' as const };
    const extra = split.kind === 'hash' && split.key !== undefined ? [split.key] : split.kind === 'date' ? [split.column] : [];
    const read = this.columns.flatMap((c) => fieldColumns(c.feature.name, c.feature.args));
    return [...new Set([...read, ...extra])];
  }

  /** The rows of every file a path names, in path order, each with a decoder for its file. */
  private async *rows(path: string, named: DataFormat | undefined): AsyncGenerator<{ row: RawRow; decoder: RowDecoder }> {
    let decoder: RowDecoder | undefined;
    let current: string | undefined;
    for await (const { file, format, row } of readDataRows(path, named, this.projected)) {
      if (file !== current || !decoder) {
        current = file;
        decoder = new RowDecoder(
          file,
          this.columns.map((c) => c.feature),
          format ?? 'csv',
        );
      }
      yield { row, decoder };
    }
  }

  /** Rows in the training part, known after `fit` (with statistics given: the rows they were counted over). */
  trainRows = 0;

  /** The pipelines' places in the model, in column order, as fit statistics name them. */
  private get keys(): PipelineKey[] {
    return this.columns.map((c) => ({ role: c.feature.role, feature: c.feature.name }));
  }

  /** The feature groups' patterns resolved against the training data's header (before anything is fitted). */
  private async resolveGroups(): Promise<void> {
    const path = sourcePath(this.source, 'train');
    if (path === undefined) return;
    this.graph = await resolveGroups(this.graph, path, this.source.kind === 'file' ? this.source.format : undefined);
    const byKey = new Map(this.graph.features.map((f) => [`${f.role}:${f.name}`, f]));
    this.columns = this.columns.map((c) => ({ ...c, feature: byKey.get(`${c.feature.role}:${c.feature.name}`) ?? c.feature }));
  }

  /**
   * Fits every fitted transform on the training part; returns the IR with the statistics in
   * place. With `statistics` (`bird train --fitted`: `bird fit`'s, complete, checked to be
   * this model's by the caller) no row is read: they are applied instead.
   */
  async fit(statistics?: FitStatistics): Promise<IrGraph> {
    await this.resolveGroups();
    if (statistics) {
      const groups = groupsDiffer(statistics.groups, this.groupColumns());
      if (groups !== undefined)
        throw new StateMismatch(`they were counted on data whose header orders a group's columns otherwise: ${groups}`);
      this.trainRows = statistics.rows;
      return this.install(
        applyStatistics(
          this.keys,
          this.columns.map((c) => c.steps),
          statistics,
        ),
      );
    }
    let counted = 0;
    const train = (): AsyncGenerator<FieldValue[]> => this.decoded('train');
    const counting = async function* (): AsyncGenerator<FieldValue[]> {
      counted = 0;
      for await (const row of train()) {
        counted++;
        yield row;
      }
    };
    const fitted = await fitTransforms(
      this.columns.map((c) => c.steps),
      counting,
    );
    if (counted === 0) for await (const row of counting()) void row;
    this.trainRows = counted;
    return this.install(fitted);
  }

  /**
   * `bird fit`: one pass of the pre-pass over the training part (every row, for a source
   * without a split), counted into mergeable statistics: the next pass after those of
   * `previous` (applied first, and kept in the result), the first without. The model's
   * name and digest are the caller's to fill in.
   */
  async countFit(previous?: FitStatistics): Promise<Omit<FitStatistics, 'format' | 'model' | 'features'>> {
    await this.resolveGroups();
    const groups = previous ? groupsDiffer(previous.groups, this.groupColumns()) : undefined;
    if (groups !== undefined)
      throw new StateMismatch(`they were counted on data whose header orders a group's columns otherwise: ${groups}`);
    const keys = this.keys;
    const unfitted = this.columns.map((c) => c.steps);
    const before = previous?.entries ?? [];
    const pipelines = applyStatistics(keys, unfitted, { entries: before });
    const pass = (previous?.pass ?? 0) + 1;
    const counts = await countPass(pipelines, this.decoded('train'));
    this.trainRows = counts.rows;
    const entries = [...before, ...passEntries(keys, pipelines, counts, pass)];
    const columns = this.groupColumns();
    return {
      pass,
      rows: counts.rows,
      complete: completes(keys, unfitted, { entries }),
      ...(Object.keys(columns).length > 0 ? { groups: columns } : {}),
      entries,
    };
  }

  /** Each feature group's resolved columns, by feature (after `resolveGroups`). */
  private groupColumns(): Record<string, string[]> {
    return Object.fromEntries(
      this.graph.features.filter((f) => Array.isArray(f.args['columns'])).map((f) => [f.name, (f.args['columns'] as string[]).map(String)]),
    );
  }

  /** The fitted pipelines put into the IR: the features' transforms and the transform nodes. */
  private install(fitted: readonly TransformStep[][]): IrGraph {
    this.columns = this.columns.map((c, i) => ({ ...c, steps: fitted[i]! }));
    const byFeature = new Map(this.columns.map((c) => [`${c.feature.role}:${c.feature.name}`, c.steps]));
    const features = this.graph.features.map((f) => {
      const steps = byFeature.get(`${f.role}:${f.name}`);
      return steps ? { ...f, transforms: f.transforms.map((t, k) => ({ ...t, args: steps[k]!.args })) } : f;
    });
    // The same statistics go into the transform nodes, which the ONNX export reads.
    const nodes = [...this.graph.nodes];
    for (const f of features) {
      transformChain(nodes, f).forEach(
        (id, k) => (nodes[id] = { ...nodes[id]!, attrs: { ...nodes[id]!.attrs, ...f.transforms[k]!.args } }),
      );
    }
    this.graph = { ...this.graph, features, nodes };
    return this.graph;
  }

  /**
   * Reads a part once, transformed, into memory (`EncodedPart`), for training epochs that
   * should not spend their time parsing text. Needs `fit` first.
   */
  async encode(part: Part): Promise<EncodedPart> {
    const encoded = new EncodedPart(
      this.names,
      this.columns.map((c) => c.type),
    );
    let chunk: FieldValue[][] = [];
    for await (const values of this.decoded(part)) {
      chunk.push(values.map((v, i) => this.columns[i]!.steps.reduce((acc, s) => applyTransform(s, acc), v)));
      if (chunk.length === 4096) {
        encoded.add(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) encoded.add(chunk);
    return encoded;
  }

  /** Batches of a part, transformed and packed; shuffled through a seeded buffer when `shuffle` > 0. */
  async *batches(part: Part, size: number, options: { shuffle?: number; seed?: number } = {}): AsyncGenerator<Batch> {
    const names = this.names;
    const types = this.columns.map((c) => c.type);
    const buffer = options.shuffle ? new ShuffleBuffer<FieldValue[]>(options.shuffle, options.seed ?? 1) : null;
    let pending: FieldValue[][] = [];
    const take = function* (example: FieldValue[] | undefined): Generator<Batch> {
      if (!example) return;
      pending.push(example);
      if (pending.length === size) {
        yield packBatch(names, types, pending);
        pending = [];
      }
    };
    for await (const values of this.decoded(part)) {
      const example = values.map((v, i) => this.columns[i]!.steps.reduce((acc, s) => applyTransform(s, acc), v));
      yield* take(buffer ? buffer.push(example) : example);
    }
    if (buffer) for (const example of buffer.drain()) yield* take(example);
    if (pending.length > 0) yield packBatch(names, types, pending);
  }
}

function isZero(v: FieldValue): boolean {
  return v.kind === 'number' && v.value === 0;
}

/** The type of a feature's value after its transforms, or undefined when the model does not use it. */
function finalType(graph: IrGraph, f: IrFeature): IrType | undefined {
  const at = transformedNode(graph.nodes, f);
  if (at === undefined) return undefined;
  const used = f.role === 'label' || graph.nodes.some((n) => n.inputs.includes(at)) || graph.outputs.some((o) => o.node === at);
  return used ? graph.nodes[at]?.type : undefined;
}
