import { createHash } from 'node:crypto';
import { createWriteStream, readdirSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import type { Batch } from '../ir/batch.js';
import type { IrGraph, IrType } from '../ir/ir.js';
import { writeFileAtomic } from '../source/writeFileAtomic.js';

/** How one batch column is stored in an encoded shard, as `encoded.json` lists it. */
export interface ShardColumn {
  readonly name: string;
  /** `dense`: one value or a fixed block per row; `sparse`: ragged ids (a List), with weights when `weighted`. */
  readonly kind: 'dense' | 'sparse';
  readonly dtype: 'f32' | 'i32';
  /** The row's shape after the batch axis (`[]` for one value). */
  readonly inner: readonly number[];
  readonly weighted: boolean;
}

/** `encoded.json`: the columns of every shard of a folder and each shard's rows, in shard order. */
export interface EncodedSpec {
  readonly format: 'bird-encoded-1';
  readonly model: string;
  readonly columns: readonly ShardColumn[];
  readonly shards: readonly { readonly file: string; readonly rows: number; readonly source?: string }[];
  /** `fittedDigest` of the run whose transforms encoded the shards (`bird encode`), so a training run can check it fitted the same. */
  readonly fitted?: string;
}

/**
 * A digest of a fitted model's features and labels as the data stage encodes them (kinds,
 * arguments, defaults, and each transform with its fitted arguments: vocabularies,
 * buckets, means): two runs with the same digest encode every row alike.
 */
export function fittedDigest(graph: IrGraph): string {
  const features = graph.features.map((f) => ({
    name: f.name,
    role: f.role,
    kind: f.kind,
    args: f.args,
    default: f.default,
    transforms: f.transforms,
  }));
  return createHash('sha256').update(JSON.stringify(features)).digest('hex');
}

/** The shard columns of a model's batches: one per feature and label the model reads, as its IR type says. */
export function shardColumns(names: readonly string[], types: readonly IrType[]): ShardColumn[] {
  return names.map((name, i) => {
    const t = types[i]!;
    if (t.kind === 'sparse') return { name, kind: 'sparse', dtype: 'i32', inner: [], weighted: t.weighted };
    const integer = t.dtype === 'i32' || t.dtype === 'i64' || t.dtype === 'bool';
    return { name, kind: 'dense', dtype: integer ? 'i32' : 'f32', inner: t.shape.slice(1).map(Number), weighted: false };
  });
}

/**
 * Writes batches as one Arrow IPC stream file (uncompressed, so any Arrow reader, and the
 * numpy reader of the generated PyTorch script, reads it): one record batch per batch,
 * dense columns as Float32/Int32 (a FixedSizeList of them for a block per row), ragged
 * ids as List<Int32> with offsets, their weights as a second List<Float32> column named
 * `NAME.values`. Streamed to a temporary name and renamed. Returns the rows written.
 */
export async function writeEncodedShard(
  path: string,
  columns: readonly ShardColumn[],
  batches: AsyncIterable<Batch> | Iterable<Batch>,
): Promise<number> {
  const arrow = await import('apache-arrow');
  const { Field, Float32, Int32, List, FixedSizeList, Schema, Struct, makeData, RecordBatch, RecordBatchStreamWriter } = arrow;
  const fields: InstanceType<typeof Field>[] = [];
  for (const c of columns) {
    const scalar = c.dtype === 'f32' ? new Float32() : new Int32();
    if (c.kind === 'sparse') {
      fields.push(new Field(c.name, new List(new Field('item', new Int32(), false)), false));
      if (c.weighted) fields.push(new Field(`${c.name}.values`, new List(new Field('item', new Float32(), false)), false));
    } else if (c.inner.length === 0) fields.push(new Field(c.name, scalar, false));
    else
      fields.push(
        new Field(
          c.name,
          new FixedSizeList(
            c.inner.reduce((p, q) => p * q, 1),
            new Field('item', scalar, false),
          ),
          false,
          new Map([['bird.shape', JSON.stringify(c.inner)]]),
        ),
      );
  }
  const schema = new Schema(fields, new Map([['bird.columns', JSON.stringify(columns)]]));
  const writer = new RecordBatchStreamWriter();
  // Streamed to a temporary file as batches come, so a shard never sits whole in memory; renamed when complete.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const out = createWriteStream(temp);
  const done = (async () => {
    for await (const chunk of writer) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  })();
  writer.reset(undefined, schema);
  let rows = 0;
  for await (const batch of batches) {
    const children = [];
    for (const c of columns) {
      const column = batch.columns.get(c.name);
      if (!column) throw new Error(`batch has no column \`${c.name}\``);
      if (column.kind === 'sparse') {
        children.push(
          makeData({
            type: new List(new Field('item', new Int32(), false)),
            length: batch.size,
            nullCount: 0,
            valueOffsets: column.offsets,
            child: makeData({ type: new Int32(), length: column.ids.length, nullCount: 0, data: column.ids }),
          }),
        );
        if (c.weighted) {
          const values = column.values ?? new Float32Array(column.ids.length).fill(1);
          children.push(
            makeData({
              type: new List(new Field('item', new Float32(), false)),
              length: batch.size,
              nullCount: 0,
              valueOffsets: column.offsets,
              child: makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values }),
            }),
          );
        }
        continue;
      }
      const values = column.data;
      const child =
        values instanceof Float32Array
          ? makeData({ type: new Float32(), length: values.length, nullCount: 0, data: values })
          : makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values });
      if (c.inner.length === 0) children.push(child);
      else {
        const width = c.inner.reduce((p, q) => p * q, 1);
        children.push(
          makeData({
            type: new FixedSizeList(width, new Field('item', values instanceof Float32Array ? new Float32() : new Int32(), false)),
            length: batch.size,
            nullCount: 0,
            child,
          }),
        );
      }
    }
    const data = makeData({ type: new Struct(schema.fields), length: batch.size, nullCount: 0, children });
    writer.write(new RecordBatch(schema, data));
    rows += batch.size;
  }
  writer.finish();
  try {
    await done;
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return rows;
}

/** A part name (`bird encode --part`): what may stand between `encoded.` and `.json`. */
export const encodedPartName = /^[A-Za-z0-9_-]+$/;

/**
 * The file that lists a folder's shards: `encoded.json`, or `encoded.PART.json` for the
 * part one map task of many wrote (`bird encode --part`), so that tasks writing into one
 * folder each write a file of their own instead of replacing one another's.
 */
export function encodedSpecFile(part?: string): string {
  return part === undefined ? 'encoded.json' : `encoded.${part}.json`;
}

/** The lists of a folder (names): `encoded.json` first, then the parts' `encoded.PART.json` by name, the order the generated script reads them in. */
export function encodedSpecFiles(dir: string): string[] {
  const names = readdirSync(dir);
  const parts = names
    .filter((n) => n.startsWith('encoded.') && n.endsWith('.json') && encodedPartName.test(n.slice('encoded.'.length, -'.json'.length)))
    .sort();
  return [...(names.includes('encoded.json') ? ['encoded.json'] : []), ...parts];
}

/** Writes `encoded.json` (or a part's `encoded.PART.json`) beside the shards. */
export function writeEncodedSpec(dir: string, spec: EncodedSpec, part?: string): void {
  writeFileAtomic(join(dir, encodedSpecFile(part)), JSON.stringify(spec, null, 2) + '\n');
}
