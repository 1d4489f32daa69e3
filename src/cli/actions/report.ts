import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunFileError } from '../../train/report/runRecords.js';
import { writeReport } from '../../train/report/writeReport.js';
import { ExitCode } from '../exitCodes.js';
import type { Io, ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface ReportArgs extends ReportOptions {
  readonly run: string;
}

/**
 * `bird report RUN`: writes `RUN/report.html` again from what the run folder holds (the
 * same page `bird train` rewrites after every epoch), for runs of older versions or after
 * the report was removed.
 */
export function report(args: ReportArgs, io: Io): number {
  if (!existsSync(join(args.run, 'config.json'))) throw new UsageError(`\`${args.run}\` has no \`config.json\`: not a run folder written by \`bird train\``);
  let path: string;
  try {
    path = writeReport(args.run);
  } catch (error) {
    if (error instanceof RunFileError) throw new UsageError(`${error.message}: not as \`bird train\` writes it`);
    throw error;
  }
  if (args.json) io.stdout(JSON.stringify({ report: path }) + '\n');
  else io.stderr(`report written to ${path}\n`);
  return ExitCode.ok;
}
