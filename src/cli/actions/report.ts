import { reportRun } from '../../pipeline/reportRun.js';
import { ExitCode } from '../exitCodes.js';
import type { Io, ReportOptions } from '../reporter.js';

export interface ReportArgs extends ReportOptions {
  readonly run: string;
}

/**
 * `bird report RUN`: writes `RUN/report.html` again from what the run folder holds (the
 * same page `bird train` rewrites after every epoch), for runs of older versions or after
 * the report was removed.
 */
export function report(args: ReportArgs, io: Io): number {
  const path = reportRun(args.run).value!.report;
  if (args.json) io.stdout(JSON.stringify({ report: path }) + '\n');
  else io.stderr(`report written to ${path}\n`);
  return ExitCode.ok;
}
