import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { dataFiles } from '../data/dataFiles.js';
import { DataError } from '../data/dataError.js';
import { Dataset, type DataSource } from '../data/dataset.js';
import {
  encodedPartName,
  encodedSpecFile,
  encodedSpecFiles,
  fittedDigest,
  shardColumns,
  writeEncodedSpec,
  type EncodedSpec,
} from '../data/encodedShards.js';
import type { IrGraph } from '../ir/ir.js';
import type { RunConfig } from '../train/runConfig.js';
import { failed, type Result } from './result.js';
import type { ShardFormat } from '../data/shardFormats.js';
import { shardFile, writeShard } from '../data/writeShard.js';
import { UsageError } from './usageError.js';
import { StateMismatch } from '../data/fitState.js';
import { compiledModel } from './compiledModel.js';
import { readCompleteFitStatistics } from './readFitStatistics.js';

export interface EncodeOptions {
  /** The folder for the shards and `encoded.json` (made if missing). */
  readonly out: string;
  /** The files to encode, a glob allowed; default: the run's own data. */
  readonly data?: string;
  /** `arrow` (the default): Arrow IPC stream files; `parquet`: Parquet files. */
  readonly format?: ShardFormat;
  /** With a `.bird` file instead of a run: the statistics `bird fit` merged, applied to its model. */
  readonly fitted?: string;
  /** With a `.bird` file: which model (default: the first trainable). */
  readonly model?: string;
  /** One map task's part of a folder many write into: its list is `encoded.PART.json`, not `encoded.json`. */
  readonly part?: string;
}

/** One input file encoded: what `bird encode` prints a line for. */
export interface EncodedFile {
  readonly input: string;
  readonly shard: string;
  readonly rows: number;
  readonly seconds: number;
}

/** The shard name of an input file: its name without the data extensions, then `.arrows` or `.parquet`. */
function shardName(file: string, format: ShardFormat): string {
  const stem = basename(file).replace(/(\.(csv|tsv|jsonl|ndjson))?(\.gz)?$|\.(parquet|arrow|arrows|feather|ipc)$/i, '');
  return shardFile(stem, format);
}

/** The shards the other lists of a folder name (`encoded.json` and other parts' `encoded.PART.json`), each with its list's name. */
function otherPartsShards(dir: string, part: string | undefined): Map<string, string> {
  const own = encodedSpecFile(part);
  const listed = new Map<string, string>();
  for (const name of encodedSpecFiles(dir)) {
    if (name === own) continue;
    try {
      const spec = JSON.parse(readFileSync(join(dir, name), 'utf8')) as EncodedSpec;
      for (const shard of spec.shards ?? []) listed.set(shard.file, name);
    } catch {
      // Not a list bird encode wrote: training from the folder reports it.
    }
  }
  return listed;
}

/** A run file as `bird train` writes it; a folder without it is not a run (a `UsageError`). */
function runFile<T>(run: string, name: string): T {
  const path = join(run, name);
  if (!existsSync(path)) throw new UsageError(`\`${run}\` has no \`${name}\`: not a run folder written by \`bird train\``);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new UsageError(`\`${path}\` is not valid JSON (${(error as Error).message}): not as \`bird train\` writes it`);
  }
}

/**
 * `bird encode RUN`: every row of every file `data` names (a glob allowed), decoded and
 * transformed with the run's fitted transforms (no split: a map job encodes everything),
 * written as one shard per input file (Arrow IPC, or Parquet with `format`), with `encoded.json` listing the columns
 * and each shard's rows and source; `onFile` hears of each file as it is done. Memory
 * stays flat: rows stream in and batches stream out. A bad row stops it with its
 * diagnostic; a folder that is not a run, or two inputs that would write the same shard,
 * are `UsageError`s.
 */
export async function encodeRun(run: string, options: EncodeOptions, onFile?: (file: EncodedFile) => void): Promise<Result<EncodedSpec>> {
  if (options.part !== undefined && !encodedPartName.test(options.part))
    throw new UsageError(
      `\`--part ${options.part}\` is not a part name: letters, digits, \`_\` and \`-\` only (it names \`encoded.PART.json\`)`,
    );
  const fromModel = run.endsWith('.bird');
  if (!fromModel && (options.fitted !== undefined || options.model !== undefined))
    throw new UsageError(`\`--fitted\` and \`--model\` go with a \`.bird\` file; the run \`${run}\` holds its own fitted transforms`);
  // A run's ir.json is read first: a folder without it is no run at all.
  const runGraph = fromModel ? undefined : runFile<IrGraph>(run, 'ir.json');
  const config = fromModel ? undefined : runFile<RunConfig>(run, 'config.json');
  const path = options.data ?? (config?.data.kind === 'file' ? config.data.path : config?.data.train);
  const format = options.data === undefined && config?.data.kind === 'file' ? config.data.format : undefined;
  try {
    let graph: IrGraph;
    if (fromModel) {
      const fitted = await fittedModel(run, options);
      if (!fitted.value) return failed(fitted.diagnostics);
      graph = fitted.value;
    } else graph = runGraph!;
    const files = await dataFiles(path!);
    const shardFormat = options.format ?? 'arrow';
    const names = files.map((f) => shardName(f, shardFormat));
    const clash = names.find((n, i) => names.indexOf(n) !== i);
    if (clash) throw new UsageError(`two input files would both be encoded as \`${clash}\`; encode them into different folders`);
    // Parquet shards of Parquet inputs keep their names: encoded into the inputs' own folder, they would replace them.
    const inputs = new Set(files.map((f) => resolve(f)));
    const replaced = names.find((n) => inputs.has(resolve(options.out, n)));
    if (replaced)
      throw new UsageError(`the shard \`${join(options.out, replaced)}\` would replace its input file; encode into another folder`);
    // Another part's shard of the same name would be replaced, and listed twice.
    const others = existsSync(options.out) ? otherPartsShards(options.out, options.part) : new Map<string, string>();
    const taken = names.find((n) => others.has(n));
    if (taken)
      throw new UsageError(
        `the shard \`${join(options.out, taken)}\` is listed by \`${others.get(taken)}\`, another part of that folder; give each map task its own input files`,
      );
    mkdirSync(options.out, { recursive: true });
    const shards: { file: string; rows: number; source: string }[] = [];
    let columns: EncodedSpec['columns'] = [];
    for (const [i, file] of files.entries()) {
      const source: DataSource = { kind: 'file', path: file, split: { kind: 'none' }, ...(format ? { format } : {}) };
      const dataset = new Dataset(graph, source);
      columns = shardColumns(dataset.names, dataset.types);
      const started = performance.now();
      const shard = join(options.out, names[i]!);
      const rows = await writeShard(shardFormat, shard, columns, dataset.batches('train', 65536));
      shards.push({ file: names[i]!, rows, source: file });
      onFile?.({ input: file, shard, rows, seconds: (performance.now() - started) / 1000 });
    }
    const spec: EncodedSpec = { format: 'bird-encoded-1', model: graph.model, columns, shards, fitted: fittedDigest(graph) };
    writeEncodedSpec(options.out, spec, options.part);
    return { value: spec, diagnostics: [] };
  } catch (error) {
    if (error instanceof DataError) return failed([error.diagnostic]);
    throw error;
  }
}

/**
 * `bird encode MODEL.bird --fitted FILE --data PATH`: the model compiled and fitted with the
 * statistics `bird fit` merged, as `bird train --fitted` fits it, so a batch job can encode
 * shards before (or without) any training run, and `bird train --shards` accepts them (the
 * same fitted digest).
 */
async function fittedModel(file: string, options: EncodeOptions): Promise<Result<IrGraph>> {
  if (options.fitted === undefined)
    throw new UsageError(`encoding with \`${file}\` needs \`--fitted FILE\`, the statistics \`bird fit\` merged; or give a run folder`);
  if (options.data === undefined) throw new UsageError(`encoding with \`${file}\` needs \`--data\`, the files to encode`);
  const compiled = compiledModel(file, options.model);
  if (!compiled.value) return compiled;
  const statistics = readCompleteFitStatistics(options.fitted, compiled.value);
  // A feature group's column pattern is matched against the header of the files encoded.
  const dataset = new Dataset(compiled.value, { kind: 'file', path: options.data, split: { kind: 'none' } });
  const fitted = await dataset.fit(statistics).catch((error: unknown) => {
    throw error instanceof StateMismatch
      ? new UsageError(`\`${options.fitted}\` does not fit \`${options.data}\`: ${error.message}`)
      : error;
  });
  return { value: fitted, diagnostics: compiled.diagnostics };
}
