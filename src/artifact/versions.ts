import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compare, gt, inc, parse, valid } from 'semver';
import { ArtifactError } from './artifactError.js';

/** A semver bump, or none for no change; ordered none < patch < minor < major. */
export type Bump = 'none' | 'patch' | 'minor' | 'major';

const ranks: Readonly<Record<Bump, number>> = { none: 0, patch: 1, minor: 2, major: 3 };

export function bumpRank(bump: Bump): number {
  return ranks[bump];
}

/**
 * The bump from `from` to `to`: the highest of major, minor, patch that increased.
 * Leaving a prerelease (`2.0.0-rc.1` to `2.0.0` or `2.0.1`) counts as major, because a
 * prerelease promises nothing; `none` when `to` is not above `from`.
 */
export function bumpBetween(from: string, to: string): Bump {
  const a = parse(from);
  const b = parse(to);
  if (!a || !b || !gt(b, a)) return 'none';
  if (b.major > a.major) return 'major';
  if (a.prerelease.length > 0 && b.major === a.major) return 'major';
  if (b.minor > a.minor) return 'minor';
  return 'patch';
}

/**
 * The highest version in `artifacts/<model>/`, in semver order (so `1.10.0` is above
 * `1.9.0`, and `2.0.0` above `2.0.0-rc.1`); undefined when there is none. Only folders
 * named exactly by a version count: temporary folders of an export in progress do not.
 */
export function latestVersion(modelDir: string): string | undefined {
  if (!existsSync(modelDir)) return undefined;
  const versions = readdirSync(modelDir).filter((name) => valid(name) === name && statSync(join(modelDir, name)).isDirectory());
  return versions.sort(compare).at(-1);
}

/** The smallest version above `latest` that the bump allows: `inc` of its part. */
export function nextVersion(latest: string, bump: Bump): string {
  if (bump === 'none') return inc(latest, 'patch') ?? latest;
  return inc(latest, bump) ?? latest;
}

/**
 * Refuses `next` unless it is above `latest` and bumps it at least as much as the change
 * needs: major for a breaking change, minor for a compatible one, patch otherwise.
 */
export function checkBump(latest: string, next: string, required: Bump, reason: string): void {
  if (valid(next) !== next)
    throw new ArtifactError(
      'artifact-bad-version',
      `version ${JSON.stringify(next)} is not a semantic version`,
      'write MAJOR.MINOR.PATCH, for example `1.0.0`',
    );
  if (!gt(next, latest)) {
    throw new ArtifactError(
      'artifact-version-understated',
      `version ${next} is not above the latest version ${latest}`,
      `export ${nextVersion(latest, required)} or higher`,
    );
  }
  const actual = bumpBetween(latest, next);
  if (bumpRank(actual) < bumpRank(required)) {
    throw new ArtifactError(
      'artifact-version-understated',
      `version ${next} is a ${actual} bump from ${latest}, but the change needs a ${required} bump: ${reason}`,
      `export ${nextVersion(latest, required)}; \`bird diff\` lists every change`,
    );
  }
}
