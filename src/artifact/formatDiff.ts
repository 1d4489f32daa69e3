import type { ManifestChange, ManifestDiff } from './diffManifests.js';

const bumpWords = {
  major: 'a major version (breaking changes)',
  minor: 'a minor version (compatible additions)',
  patch: 'a patch version (no contract change)',
  none: 'no new version (nothing changed)',
} as const;

function rows(changes: readonly ManifestChange[]): string[] {
  const width = Math.max(...changes.map((c) => c.path.length));
  return changes.map((c) => `  ${c.kind.padEnd(10)}  ${c.path.padEnd(width)}  ${c.message}`);
}

/**
 * `bird diff`'s report: the bump the change needs, then the changes by signature, by
 * feature spec and the rest, breaking first. The `--json` form is the `ManifestDiff` itself.
 */
export function formatDiff(diff: ManifestDiff): string {
  const order = { breaking: 0, compatible: 1, patch: 2 } as const;
  const sorted = [...diff.changes].sort((a, b) => order[a.kind] - order[b.kind]);
  const title =
    diff.old.name === diff.new.name
      ? `${diff.new.name} ${diff.old.version} -> ${diff.new.version}`
      : `${diff.old.name} ${diff.old.version} -> ${diff.new.name} ${diff.new.version}`;
  const counts = (['breaking', 'compatible', 'patch'] as const)
    .map((k) => [k, diff.changes.filter((c) => c.kind === k).length] as const)
    .filter(([, n]) => n > 0);
  const lines = [`${title}: needs ${bumpWords[diff.bump]}`];
  if (counts.length > 0) lines.push(`${counts.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const s of diff.signatures) {
    const own = sorted.filter((c) => c.signature === s.name);
    const versions =
      s.oldVersion === null
        ? `new @ ${s.newVersion}`
        : s.newVersion === null
          ? `removed (was @ ${s.oldVersion})`
          : s.oldVersion === s.newVersion
            ? `@ ${s.newVersion}`
            : `@ ${s.oldVersion} -> ${s.newVersion}`;
    lines.push('', `signature ${s.name} ${versions}: ${s.bump === 'none' ? 'unchanged' : `needs ${s.bump}`}`);
    if (s.understated) lines.push(`  the declared version understates the change: its contract needs a ${s.contractBump} bump`);
    if (own.length > 0) lines.push(...rows(own));
  }
  const features = sorted.filter(
    (c) => c.signature === undefined && (c.path.startsWith('features.') || c.path.startsWith('labels.') || c.path.startsWith('hash.')),
  );
  if (features.length > 0) lines.push('', 'feature spec', ...rows(features));
  const rest = sorted.filter((c) => c.signature === undefined && !features.includes(c));
  if (rest.length > 0) lines.push('', 'other', ...rows(rest));
  return `${lines.join('\n')}\n`;
}
