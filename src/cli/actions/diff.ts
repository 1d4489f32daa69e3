import { diffArtifacts } from '../../pipeline/diffArtifacts.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface DiffArgs extends ReportOptions {
  readonly old: string;
  readonly new: string;
}

/**
 * `bird diff OLD NEW`: every change between two artifacts' signatures and feature specs,
 * classified breaking, compatible or patch, and the version bump that needs. Both
 * artifacts are loaded with their hashes checked first.
 */
export function diff(args: DiffArgs, io: Io): number {
  const result = diffArtifacts(args.old, args.new);
  if (!result.value) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  io.stdout(args.json ? JSON.stringify(result.value.diff, null, 2) + '\n' : result.value.text);
  return ExitCode.ok;
}
