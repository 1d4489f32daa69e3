import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodedSpecFiles, fittedDigest, shardColumns, type EncodedSpec } from '../data/encodedShards.js';
import type { Dataset } from '../data/dataset.js';
import type { IrGraph } from '../ir/ir.js';
import { UsageError } from './usageError.js';

/**
 * The shards of a folder `bird encode` wrote, as one spec: its `encoded.json`, and the
 * `encoded.PART.json` of every map task that wrote into it with `--part`, their shards one
 * after the other in that order. The files must agree on the format, the model, the columns
 * and the fitted digest, and list no shard twice; otherwise, or without any of them, a
 * `UsageError` naming the file.
 */
export function readEncodedSpec(dir: string): EncodedSpec {
  let files: string[];
  try {
    files = encodedSpecFiles(dir);
  } catch {
    throw new UsageError(`\`--shards ${dir}\` is not a folder`);
  }
  if (files.length === 0)
    throw new UsageError(`\`--shards ${dir}\` has no \`encoded.json\` (nor \`encoded.PART.json\`): not a folder \`bird encode\` wrote`);
  const specs = files.map((name): [string, EncodedSpec] => {
    const path = join(dir, name);
    try {
      return [name, JSON.parse(readFileSync(path, 'utf8')) as EncodedSpec];
    } catch (error) {
      throw new UsageError(`\`${path}\` is not valid JSON (${(error as Error).message}): not as \`bird encode\` writes it`);
    }
  });
  const [firstName, first] = specs[0]!;
  const shards: EncodedSpec['shards'][number][] = [];
  const listedIn = new Map<string, string>();
  for (const [name, spec] of specs) {
    const differs = (['format', 'model', 'columns', 'fitted'] as const).find((k) => JSON.stringify(spec[k]) !== JSON.stringify(first[k]));
    if (differs)
      throw new UsageError(
        `\`${join(dir, name)}\` and \`${join(dir, firstName)}\` list shards of different ${differs === 'fitted' ? 'fitted transforms' : differs}: every part of a folder must be encoded with the same run or statistics, for the same model`,
      );
    for (const shard of spec.shards ?? []) {
      const earlier = listedIn.get(shard.file);
      if (earlier !== undefined)
        throw new UsageError(
          `the shard \`${shard.file}\` of \`${dir}\` is listed by both \`${earlier}\` and \`${name}\`; a part's shards must be its own`,
        );
      listedIn.set(shard.file, name);
      shards.push(shard);
    }
  }
  return { ...first, shards };
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
