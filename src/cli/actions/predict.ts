import type { BackendName } from '../../pipeline/choices.js';
import { predict as predictRows } from '../../pipeline/predict.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface PredictArgs extends ReportOptions {
  readonly file: string;
  readonly checkpoint?: string;
  readonly data: string;
  readonly out: string;
  readonly signature?: string;
  readonly batch?: number;
  readonly backend?: BackendName;
}

const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

/**
 * `bird predict FILE --checkpoint RUN --data PATH --out FILE` (a run's model on TF.js) or
 * `bird predict ARTIFACT --data PATH --out FILE` (an artifact on ONNX Runtime): the
 * pipeline's `predict`, then how many rows were written where, or one JSON line.
 */
export async function predict(args: PredictArgs, io: Io): Promise<number> {
  checkOut(args.out, 'file');
  const result = await predictRows({
    file: args.file,
    data: args.data,
    out: args.out,
    ...(args.checkpoint !== undefined ? { checkpoint: args.checkpoint } : {}),
    ...(args.signature !== undefined ? { signature: args.signature } : {}),
    ...(args.batch !== undefined ? { batch: args.batch } : {}),
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
  });
  const p = result.value;
  if (!p) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const { rows, out, outputs } = p;
  const written = `wrote ${rows} prediction${rows === 1 ? '' : 's'} of ${list(outputs)} to ${out}`;
  if (p.kind === 'run') {
    if (args.json) io.stdout(JSON.stringify({ rows, out, checkpoint: p.checkpoint, outputs }) + '\n');
    else io.stderr(`${written} (checkpoint ${p.checkpoint})\n`);
  } else if (args.json) io.stdout(JSON.stringify({ rows, out, artifact: p.artifact, signature: p.signature, outputs }) + '\n');
  else io.stderr(`${written} (artifact ${p.model} ${p.version}, signature \`${p.signature}\`, ONNX Runtime)\n`);
  return ExitCode.ok;
}
