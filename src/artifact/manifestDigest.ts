import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize, resolve } from 'node:path';
import { ArtifactError } from './artifactError.js';
import { sha256Hex } from './assembleArtifact.js';
import { manifestFile } from './manifest.js';

/**
 * The artifact's digest: the sha256 of `manifest.json`'s bytes. The manifest holds every
 * other file's sha256, so this one value covers the whole artifact; a deployment pins it
 * (`--digest`, the serving config) and loading refuses an artifact whose manifest differs.
 */
export function manifestDigest(manifestBytes: Uint8Array): string {
  return `sha256:${sha256Hex(manifestBytes)}`;
}

/**
 * Where export records the digest: `artifacts/<model>/<version>.sha256`, beside the
 * version's folder rather than in it (a file inside could be rewritten with the manifest).
 * It is in `sha256sum` form, so `sha256sum -c 1.0.0.sha256` run in `artifacts/<model>/`
 * checks the manifest without Bird.
 */
export function digestFileOf(dir: string): string {
  // Relative as the user gave it, so messages show the path they know; `.` and `..` have no name to add to.
  const clean = normalize(dir).replace(/(.)\/+$/, '$1');
  const full = basename(clean) === '.' || basename(clean) === '..' ? resolve(dir) : clean;
  return join(dirname(full), `${basename(full)}.sha256`);
}

export function digestFileText(version: string, digest: string): string {
  return `${digest.replace(/^sha256:/, '')}  ${version}/${manifestFile}\n`;
}

/** A digest as a user may write it (`sha256:HEX` or bare HEX), normalized; undefined when it is not one. */
export function parseDigest(text: string): string | undefined {
  const m = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(text.trim());
  return m ? `sha256:${m[1]!.toLowerCase()}` : undefined;
}

/** The digest recorded beside `dir`, if export wrote one there; a damaged record is refused, not ignored. */
export function recordedDigest(dir: string): { digest: string; file: string } | undefined {
  const file = digestFileOf(dir);
  if (!existsSync(file)) return undefined;
  if (lstatSync(file).isSymbolicLink())
    throw new ArtifactError(
      'artifact-link',
      `${file}, the artifact's recorded digest, is a symbolic link`,
      'keep the digest file as export wrote it, not a link to a copy',
      file,
    );
  const digest = parseDigest(readFileSync(file, 'utf8').split(/\s/)[0] ?? '');
  if (!digest)
    throw new ArtifactError(
      'artifact-digest-mismatch',
      `${file} does not hold a sha256 digest`,
      'restore it from where the artifact was published, or delete it and pin the digest yourself with `--digest`',
      file,
    );
  return { digest, file };
}
