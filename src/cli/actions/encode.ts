import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataFiles } from '../../data/dataFiles.js';
import { DataError } from '../../data/dataError.js';
import { Dataset, type DataSource } from '../../data/dataset.js';
import { shardColumns, writeEncodedShard, writeEncodedSpec, type EncodedSpec } from '../../data/encodedShards.js';
import type { IrGraph } from '../../ir/ir.js';
import type { RunConfig } from '../../train/runConfig.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface EncodeArgs extends ReportOptions {
  readonly run: string;
  readonly out: string;
  readonly data?: string;
}

/** The shard name of an input file: its name without the data extensions, `.arrows`. */
function shardName(file: string): string {
  return `${basename(file).replace(/(\.(csv|tsv|jsonl|ndjson))?(\.gz)?$|\.(parquet|arrow|arrows|feather|ipc)$/i, '')}.arrows`;
}

/**
 * `bird encode RUN --data PATH --out DIR`: every row of every file PATH names (a glob
 * allowed), decoded and transformed with the run's fitted transforms (no split: a map
 * job encodes everything), written as one Arrow IPC shard per input file, with
 * `encoded.json` listing the columns and each shard's rows and source. Memory stays flat:
 * rows stream in and batches stream out.
 */
export async function encode(args: EncodeArgs, io: Io): Promise<number> {
  if (!existsSync(join(args.run, 'ir.json')))
    throw new UsageError(`\`${args.run}\` has no \`ir.json\`: not a run folder written by \`bird train\``);
  const graph = JSON.parse(readFileSync(join(args.run, 'ir.json'), 'utf8')) as IrGraph;
  const config = JSON.parse(readFileSync(join(args.run, 'config.json'), 'utf8')) as RunConfig;
  const path = args.data ?? (config.data.kind === 'file' ? config.data.path : config.data.train);
  const format = args.data === undefined && config.data.kind === 'file' ? config.data.format : undefined;
  try {
    const files = await dataFiles(path);
    const names = files.map(shardName);
    const clash = names.find((n, i) => names.indexOf(n) !== i);
    if (clash) throw new UsageError(`two input files would both be encoded as \`${clash}\`; encode them into different folders`);
    mkdirSync(args.out, { recursive: true });
    const shards: { file: string; rows: number; source: string }[] = [];
    let columns: EncodedSpec['columns'] = [];
    for (const [i, file] of files.entries()) {
      const source: DataSource = { kind: 'file', path: file, split: { kind: 'none' }, ...(format ? { format } : {}) };
      const dataset = new Dataset(graph, source);
      columns = shardColumns(dataset.names, dataset.types);
      const started = performance.now();
      const rows = await writeEncodedShard(join(args.out, names[i]!), columns, dataset.batches('train', 65536));
      shards.push({ file: names[i]!, rows, source: file });
      if (!args.json)
        io.stderr(`${file}: ${rows} rows to ${join(args.out, names[i]!)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    const spec: EncodedSpec = { format: 'bird-encoded-1', model: graph.model, columns, shards };
    writeEncodedSpec(args.out, spec);
    if (args.json) io.stdout(JSON.stringify(spec) + '\n');
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof DataError) {
      reportDiagnostics(io, [error.diagnostic], args);
      return ExitCode.diagnostics;
    }
    throw error;
  }
}
