import { encodeRun } from '../../pipeline/encodeRun.js';
import type { ShardFormat } from '../../pipeline/shardFormats.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface EncodeArgs extends ReportOptions {
  readonly run: string;
  readonly out: string;
  readonly data?: string;
  /** Default: `arrow`. */
  readonly format?: ShardFormat;
  /** With a `.bird` file for `run`: the statistics `bird fit` merged. */
  readonly fitted?: string;
  readonly model?: string;
  /** One map task's part of a folder: its list is `encoded.PART.json`. */
  readonly part?: string;
}

/**
 * `bird encode RUN --data PATH --out DIR` (or `MODEL.bird --fitted FILE`): the fitted transforms applied to every
 * row of every file PATH names, one encoded shard per input file and `encoded.json`; a
 * line per file on stderr, or `encoded.json`'s content on stdout with `--json`.
 */
export async function encode(args: EncodeArgs, io: Io): Promise<number> {
  checkOut(args.out, 'folder');
  const result = await encodeRun(
    args.run,
    {
      out: args.out,
      ...(args.data !== undefined ? { data: args.data } : {}),
      ...(args.format !== undefined ? { format: args.format } : {}),
      ...(args.fitted !== undefined ? { fitted: args.fitted } : {}),
      ...(args.model !== undefined ? { model: args.model } : {}),
      ...(args.part !== undefined ? { part: args.part } : {}),
    },
    (f) => {
      if (!args.json) io.stderr(`${f.input}: ${f.rows} rows to ${f.shard} in ${f.seconds.toFixed(1)} s\n`);
    },
  );
  if (!result.value) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  if (args.json) io.stdout(JSON.stringify(result.value) + '\n');
  return ExitCode.ok;
}
