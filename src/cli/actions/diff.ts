import { diffManifests } from '../../artifact/diffManifests.js';
import { formatDiff } from '../../artifact/formatDiff.js';
import { loadArtifact, type LoadedArtifact } from '../../artifact/loadArtifact.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
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
  const loaded: LoadedArtifact[] = [];
  for (const dir of [args.old, args.new]) {
    try {
      loaded.push(loadArtifact(dir));
    } catch (error) {
      reportDiagnostics(io, [artifactDiagnostic(error, dir, '')], args);
      return ExitCode.diagnostics;
    }
  }
  const result = diffManifests(loaded[0]!.manifest, loaded[1]!.manifest);
  io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : formatDiff(result));
  return ExitCode.ok;
}
