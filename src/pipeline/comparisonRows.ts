import { join } from 'node:path';
import { clientRows } from '../data/clientRows.js';
import { DataError } from '../data/dataError.js';
import { sourcePath } from '../data/dataset.js';
import type { ClientRow } from '../data/signatureFeeds.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { goldenCount } from './goldenVectors.js';
import type { Result } from './result.js';
import type { TrainedRun } from './runFolder.js';

/**
 * The rows an export compares ONNX Runtime with TF.js on, the first of them the golden
 * rows: up to `count` holdout rows of the run's data (its training rows when the data has
 * no split), read as the data stage reads them (a glob is every file it matches, in path
 * order), rows the data stage would reject left out, since they are only samples; then a
 * row with every field missing is put among the golden rows, so the defaults are tested
 * too. No row at all is BIRD6010 at the run's `config.json`.
 */
export async function comparisonRows(run: TrainedRun, count: number): Promise<Result<ClientRow[]>> {
  const data = run.config.data;
  const part = data?.kind === 'file' && data.split.kind === 'none' ? 'train' : 'test';
  let rows: ClientRow[];
  try {
    const features = run.graph.features.filter((f) => f.role === 'feature');
    rows = data ? await clientRows(data, count, part, { features, bad: 'skip' }) : [];
  } catch (error) {
    if (error instanceof DataError) return { value: undefined, diagnostics: [error.diagnostic] };
    throw error;
  }
  if (rows.length === 0) {
    const reason = data
      ? `\`${sourcePath(data, part)}\` has no ${part === 'test' ? 'holdout' : 'training'} row the model can read`
      : 'its `config.json` names no data';
    const config = new SourceFile(join(run.run, 'config.json'), '');
    return { value: undefined, diagnostics: [diagnostic('noComparisonRows', { run: run.run, reason }, config, { start: 0, end: 0 })] };
  }
  const blank = Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, '']));
  return { value: [...rows.slice(0, goldenCount - 1), blank, ...rows.slice(goldenCount - 1)], diagnostics: [] };
}
