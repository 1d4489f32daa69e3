import { diagnosticToJson } from '../../diagnostics/diagnosticJson.js';
import { fitModel } from '../../pipeline/fitModel.js';
import { ExitCode } from '../exitCodes.js';
import { checkOut } from '../outPath.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface FitArgs extends ReportOptions {
  readonly file: string;
  readonly out: string;
  readonly model?: string;
  readonly data?: string;
  readonly merge?: string;
  readonly fitted?: string;
}

/**
 * `bird fit FILE --data PATH --out PART` and `bird fit FILE --merge PARTS --out FITTED`:
 * the statistics written (`fitModel`) and a line on stderr saying what was counted or
 * merged, and whether another pass is needed; with `--json`, the file's header, the inputs
 * and the file's warnings on stdout.
 */
export async function fit(args: FitArgs, io: Io): Promise<number> {
  checkOut(args.out, 'file');
  const result = await fitModel({
    file: args.file,
    out: args.out,
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(args.data !== undefined ? { data: args.data } : {}),
    ...(args.merge !== undefined ? { merge: args.merge } : {}),
    ...(args.fitted !== undefined ? { fitted: args.fitted } : {}),
  });
  const summary = result.value;
  if (!summary) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  if (args.json) {
    io.stdout(JSON.stringify({ ...summary, diagnostics: result.diagnostics.map(diagnosticToJson) }) + '\n');
    return ExitCode.ok;
  }
  if (result.diagnostics.length > 0) reportDiagnostics(io, result.diagnostics, args);
  const n = summary.inputs.length;
  const what =
    args.merge !== undefined
      ? `merged ${n} part${n === 1 ? '' : 's'} (${summary.rows} rows)`
      : `counted ${summary.rows} rows of ${n} file${n === 1 ? '' : 's'}`;
  io.stderr(`${what}: pass ${summary.pass} statistics of ${summary.model} written to ${summary.out}\n`);
  if (!summary.complete)
    io.stderr(
      `a transform is fitted after another: merge the parts, then count pass ${summary.pass + 1} on each shard with \`--fitted\` the merged file\n`,
    );
  return ExitCode.ok;
}
