import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunFileError } from '../train/report/runRecords.js';
import { writeReport } from '../train/report/writeReport.js';
import type { Result } from './result.js';
import { UsageError } from './usageError.js';

/**
 * Writes `RUN/report.html` again from what the run folder holds (the page training
 * rewrites after every epoch) and returns its path. A folder that is not a run, or a run
 * file that is not as training writes it, is a `UsageError`.
 */
export function reportRun(run: string): Result<{ readonly report: string }> {
  if (!existsSync(join(run, 'config.json')))
    throw new UsageError(`\`${run}\` has no \`config.json\`: not a run folder written by \`bird train\``);
  try {
    return { value: { report: writeReport(run) }, diagnostics: [] };
  } catch (error) {
    if (error instanceof RunFileError) throw new UsageError(`${error.message}: not as \`bird train\` writes it`);
    throw error;
  }
}
