import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fittedDigest, shardColumns, type EncodedSpec } from '../data/encodedShards.js';
import type { Dataset } from '../data/dataset.js';
import type { IrGraph } from '../ir/ir.js';
import { UsageError } from './usageError.js';

/** `DIR/encoded.json`, or a `UsageError` saying why `--shards DIR` names no folder of encoded shards. */
export function readEncodedSpec(dir: string): EncodedSpec {
  const path = join(dir, 'encoded.json');
  if (!existsSync(path)) throw new UsageError(`\`--shards ${dir}\` has no \`encoded.json\`: not a folder \`bird encode\` wrote`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EncodedSpec;
  } catch (error) {
    throw new UsageError(`\`${path}\` is not valid JSON (${(error as Error).message}): not as \`bird encode\` writes it`);
  }
}

/**
 * The folder of shards `bird encode` wrote, checked against the run that is to train from
 * them (`--shards`), after its fit: the same model, columns and fitted transforms (the
 * digest `bird encode` recorded), the run's training rows exactly (`bird encode` encodes
 * every row of its files, so with a split that holds rows out of the same files the
 * shards would hold the evaluation rows too: hold whole files out, `files(train:, test:)`),
 * and a shard for every rank. Each failure is a `UsageError` saying what differs. Returns
 * the folder's absolute path.
 */
export function encodedShardsFor(dir: string, graph: IrGraph, dataset: Dataset, world: number, resumed: boolean): string {
  const spec = readEncodedSpec(dir);
  const refuse = (why: string): never => {
    throw new UsageError(`the shards in \`${dir}\` cannot train this run: ${why}`);
  };
  if (spec.format !== 'bird-encoded-1') refuse(`\`encoded.json\` has format \`${String(spec.format)}\`, not \`bird-encoded-1\``);
  if (spec.model !== graph.model) refuse(`they were encoded for the model \`${spec.model}\`, not \`${graph.model}\``);
  if (JSON.stringify(spec.columns) !== JSON.stringify(shardColumns(dataset.names, dataset.types)))
    refuse("their columns are not the model's (encode them again with a run of this model)");
  if (spec.fitted !== fittedDigest(graph))
    refuse(
      "they were encoded with other fitted transforms than this run fitted (vocabularies, buckets or z-scores differ, or the run's data does): encode them with this run, `bird encode RUN --data ... --out DIR`",
    );
  const rows = spec.shards.reduce((n, s) => n + s.rows, 0);
  // A resumed run does not fit again, so it has not counted its rows: its shards were checked when it started.
  if (!resumed && rows !== dataset.trainRows)
    refuse(
      `they hold ${rows} rows and the run's training part ${dataset.trainRows}: encode exactly the training files (with \`files(train: ..., test: ...)\` the evaluation files stay out)`,
    );
  if (spec.shards.length < world)
    refuse(
      `${spec.shards.length} shard${spec.shards.length === 1 ? '' : 's'} for ${world} ranks: each rank reads shards r, r + ${world}, ...; give at least one per rank`,
    );
  return resolve(dir);
}
