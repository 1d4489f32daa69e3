import { diffManifests, type ManifestDiff } from '../artifact/diffManifests.js';
import { formatDiff } from '../artifact/formatDiff.js';
import { loadArtifact, type LoadedArtifact } from '../artifact/loadArtifact.js';
import { artifactDiagnostic } from './artifactDiagnostic.js';
import type { Result } from './result.js';

export interface ArtifactDiff {
  readonly diff: ManifestDiff;
  /** The classified changes as `bird diff` prints them. */
  readonly text: string;
}

/**
 * Every change between two artifacts' signatures and feature specs, classified breaking,
 * compatible or patch, and the version bump that needs; both artifacts are loaded with
 * their hashes checked first (a refusal is the first one's diagnostic).
 */
export function diffArtifacts(oldDir: string, newDir: string): Result<ArtifactDiff> {
  const loaded: LoadedArtifact[] = [];
  for (const dir of [oldDir, newDir]) {
    try {
      loaded.push(loadArtifact(dir));
    } catch (error) {
      return { value: undefined, diagnostics: [artifactDiagnostic(error, dir, '')] };
    }
  }
  const diff = diffManifests(loaded[0]!.manifest, loaded[1]!.manifest);
  return { value: { diff, text: formatDiff(diff) }, diagnostics: [] };
}
