import { ArtifactError } from './artifactError.js';
import { diffManifests, type ManifestDiff } from './diffManifests.js';
import type { ArtifactManifest } from './manifest.js';
import { checkBump } from './versions.js';

/**
 * What `bird export` runs before writing: refuses a new artifact whose version does not
 * rise above the latest one by at least the bump its changes need, or one of whose
 * signatures changed its contract without a matching rise of its own declared version.
 * Returns the diff, for the command to show.
 */
export function checkVersionBump(latest: ArtifactManifest, next: ArtifactManifest): ManifestDiff {
  const diff = diffManifests(latest, next);
  const worst = diff.changes.find((c) => c.kind === 'breaking') ?? diff.changes.find((c) => c.kind === 'compatible') ?? diff.changes[0];
  const count = diff.changes.filter((c) => c.kind === (worst?.kind ?? 'patch')).length;
  const reason = worst
    ? `${worst.message}${count > 1 ? ` (and ${count - 1} more ${worst.kind} change${count > 2 ? 's' : ''})` : ''}`
    : 'nothing changed';
  checkBump(latest.version, next.version, diff.bump, reason);
  for (const s of diff.signatures) {
    if (!s.understated) continue;
    const first = diff.changes.find(
      (c) => c.kind !== 'patch' && (c.signature === s.name || c.path.startsWith('features.') || c.path.startsWith('hash.')),
    );
    const declared =
      s.oldVersion === s.newVersion ? `stays at ${s.newVersion}` : `goes from ${s.oldVersion} to ${s.newVersion}, a ${s.declaredBump} bump`;
    throw new ArtifactError(
      'artifact-version-understated',
      `signature \`${s.name}\` ${declared}, but its contract changed${s.contractBump === 'major' ? ' incompatibly' : ''}: ${first?.message ?? 'see `bird diff`'}`,
      `declare a ${s.contractBump} bump of the signature's version in the model file`,
    );
  }
  return diff;
}
