import { existsSync, readFileSync, statSync } from 'node:fs';
import type { FitEntry, FitStatistics } from '../data/fitStatistics.js';
import { fittedDigest } from '../data/encodedShards.js';
import type { IrGraph } from '../ir/ir.js';
import { UsageError } from './usageError.js';

/**
 * A file `bird fit` wrote, checked to hold statistics of this compiled model (before
 * fitting): its name and the digest of its features, labels and transforms, so statistics
 * of another model, or of this one with another vocabulary size or pipeline, are refused
 * rather than applied. Each refusal is a `UsageError` naming the file.
 */
export function readFitStatistics(path: string, graph: IrGraph): FitStatistics {
  if (!existsSync(path)) throw new UsageError(`\`${path}\` does not exist`);
  if (!statSync(path).isFile())
    throw new UsageError(`\`${path}\` is a folder, not a file \`bird fit\` wrote (a glob names the parts: \`'parts/*.json'\`)`);
  let read: Partial<FitStatistics>;
  try {
    read = JSON.parse(readFileSync(path, 'utf8')) as Partial<FitStatistics>;
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`\`${path}\` is not JSON (${error.message}): not as \`bird fit\` writes it`);
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`\`${path}\` cannot be read (${code})`);
    throw error;
  }
  if (typeof read !== 'object' || read === null || read.format !== 'bird-fit-1' || !wellFormed(read))
    throw new UsageError(`\`${path}\` is not a file of fitted statistics (\`bird fit\` writes them, with format \`bird-fit-1\`)`);
  if (read.model !== graph.model)
    throw new UsageError(`\`${path}\` holds statistics of the model \`${String(read.model)}\`, not \`${graph.model}\``);
  if (read.features !== fittedDigest(graph))
    throw new UsageError(
      `\`${path}\` holds statistics of other features than \`${graph.model}\` has now (a feature, label or transform changed since it was fitted): fit it again`,
    );
  return read as FitStatistics;
}

/**
 * Statistics that fit every transform of the model, for `bird train --fitted` and `bird
 * encode --fitted`: a file of an earlier pass (a pipeline with a transform fitted after
 * another needs one more) is a `UsageError` saying how to count the next.
 */
export function readCompleteFitStatistics(path: string, graph: IrGraph): FitStatistics {
  const statistics = readFitStatistics(path, graph);
  if (!statistics.complete)
    throw new UsageError(
      `\`${path}\` holds statistics up to pass ${statistics.pass}, and \`${graph.model}\` needs another pass (a transform fitted after another): count it with \`bird fit --data ... --fitted ${path}\` on each shard and merge those`,
    );
  return statistics;
}

/**
 * The header and every entry in the shape `bird fit` writes them (a state's contents are
 * checked where they are merged or applied, which refuse a state of the wrong kind).
 */
function wellFormed(read: Partial<FitStatistics>): boolean {
  const count = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  return (
    typeof read.model === 'string' &&
    typeof read.features === 'string' &&
    count(read.pass) &&
    count(read.rows) &&
    typeof read.complete === 'boolean' &&
    Array.isArray(read.entries) &&
    read.entries.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as FitEntry).op === 'string' &&
        count((e as FitEntry).pass) &&
        Array.isArray((e as FitEntry).steps) &&
        (e as FitEntry).steps.every((st) => typeof st?.feature === 'string' && typeof st.role === 'string' && count(st.index)) &&
        typeof (e as FitEntry).state === 'object' &&
        (e as FitEntry).state !== null &&
        typeof (e as FitEntry).state.kind === 'string',
    )
  );
}
