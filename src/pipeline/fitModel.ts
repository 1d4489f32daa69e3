import { resolve } from 'node:path';
import { dataFiles } from '../data/dataFiles.js';
import { DataError } from '../data/dataError.js';
import { Dataset, dataSource } from '../data/dataset.js';
import { fittedDigest } from '../data/encodedShards.js';
import { mergeStatistics, type FitStatistics } from '../data/fitStatistics.js';
import { StateMismatch } from '../data/fitState.js';
import type { IrGraph } from '../ir/ir.js';
import { writeFileAtomic } from '../source/writeFileAtomic.js';
import { compiledModel } from './compiledModel.js';
import { readFitStatistics } from './readFitStatistics.js';
import { shardSplit } from './shardSplit.js';
import { failed, type Result } from './result.js';
import { UsageError } from './usageError.js';

/** `bird fit`: count statistics over data files, or merge parts; exactly one of `data` and `merge`. */
export interface FitOptions {
  /** The `.bird` file. */
  readonly file: string;
  /** Which model, when the file has several (default: the first trainable). */
  readonly model?: string;
  /** The files (a glob allowed) whose rows are all counted, as training rows: no split is applied. */
  readonly data?: string;
  /** With `data`: statistics of the earlier passes (a merge), for a model whose pipelines need another pass. */
  readonly fitted?: string;
  /** Parts to merge (a glob allowed), each a file `bird fit` wrote for this model and the same pass. */
  readonly merge?: string;
  /** Where to write the statistics (through a temporary name, then renamed). */
  readonly out: string;
}

/** What `bird fit` wrote: the header of its file, and the files it read. */
export interface FitSummary {
  readonly out: string;
  readonly model: string;
  readonly features: string;
  readonly pass: number;
  readonly rows: number;
  readonly complete: boolean;
  /** The data files counted, or the parts merged, in order. */
  readonly inputs: readonly string[];
}

/** Parts merged in path order (a merge of merges gives the same exact counts); each refusal names the part. */
function mergeParts(paths: readonly string[], graph: IrGraph): FitStatistics {
  const parts = paths.map((p) => readFitStatistics(p, graph));
  let merged = parts[0]!;
  parts.slice(1).forEach((part, i) => {
    const path = paths[i + 1]!;
    if (part.pass !== merged.pass)
      throw new UsageError(
        `\`${path}\` holds pass ${part.pass} statistics and \`${paths[0]}\` pass ${merged.pass}: merge the parts of one pass`,
      );
    try {
      merged = mergeStatistics(merged, part);
    } catch (error) {
      if (error instanceof StateMismatch) throw new UsageError(`\`${path}\` cannot be merged with \`${paths[0]}\`: ${error.message}`);
      throw error;
    }
  });
  return merged;
}

/**
 * `bird fit`: the map and the reduce of a fitting pre-pass run by a batch system. With
 * `data`, the statistics of every fitted transform (mergeable states: counts, moments,
 * samples) over every row of the files named, written to `out` with the model, the digest
 * of its features and the rows counted; with `merge`, parts of one model and pass merged
 * into one such file. A pipeline with two fitted transforms in a row needs a second pass,
 * counted with the merged first pass given as `fitted`; the file says whether it is
 * `complete`. Bad data is its diagnostic; wrong flags and files of another model or pass
 * are `UsageError`s.
 */
export async function fitModel(options: FitOptions, onInput?: (path: string) => void): Promise<Result<FitSummary>> {
  if ((options.data === undefined) === (options.merge === undefined))
    throw new UsageError('give `--data` (files to count) or `--merge` (parts to merge), one of them');
  if (options.fitted !== undefined && options.data === undefined)
    throw new UsageError('`--fitted` gives the earlier passes to `--data`; a merge takes them from its parts');
  const compiled = compiledModel(options.file, options.model);
  const graph = compiled.value;
  if (!graph) return { value: undefined, diagnostics: compiled.diagnostics };
  try {
    let statistics: FitStatistics;
    let inputs: string[];
    if (options.data !== undefined) {
      inputs = await dataFiles(options.data);
      const previous = options.fitted !== undefined ? readFitStatistics(options.fitted, graph) : undefined;
      if (previous?.complete)
        throw new UsageError(
          `\`${options.fitted}\` already holds every statistic \`${graph.model}\` fits: train with \`--fitted ${options.fitted}\``,
        );
      inputs.forEach((f) => onInput?.(f));
      // Only training rows are counted: the model's split, where each row decides it alone.
      const split = shardSplit(dataSource(graph.train?.settings['data'], resolve(options.file)), graph.model);
      const dataset = new Dataset(graph, { kind: 'file', path: options.data, split });
      const counted = await dataset.countFit(previous).catch((error: unknown) => {
        throw error instanceof StateMismatch
          ? new UsageError(`\`${options.fitted}\` does not fit \`${options.data}\`: ${error.message}`)
          : error;
      });
      statistics = { format: 'bird-fit-1', model: graph.model, features: fittedDigest(graph), ...counted };
    } else {
      inputs = await dataFiles(options.merge!);
      const out = resolve(options.out);
      const self = inputs.find((p) => resolve(p) === out);
      if (self !== undefined) throw new UsageError(`\`--out ${options.out}\` is one of the parts to merge; write the merge elsewhere`);
      inputs.forEach((f) => onInput?.(f));
      statistics = mergeParts(inputs, graph);
    }
    writeFileAtomic(options.out, JSON.stringify(statistics) + '\n');
    const { model, features, pass, rows, complete } = statistics;
    return { value: { out: options.out, model, features, pass, rows, complete, inputs }, diagnostics: compiled.diagnostics };
  } catch (error) {
    if (error instanceof DataError) return failed([error.diagnostic], compiled.diagnostics);
    throw error;
  }
}
