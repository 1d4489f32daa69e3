import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactError } from './artifactError.js';
import { writeFileAtomic } from '../source/writeFileAtomic.js';
import { assembleArtifact, type ArtifactInput, type AssembledArtifact } from './assembleArtifact.js';
import { manifestFile } from './manifest.js';
import { digestFileOf, digestFileText, manifestDigest } from './manifestDigest.js';

function exists(path: string, model: string, version: string): ArtifactError {
  return new ArtifactError(
    'artifact-exists',
    `artifact ${model} ${version} already exists at ${path}`,
    'a published version never changes: export a higher version (`bird diff` says which bump the change needs)',
    path,
  );
}

/**
 * Writes `outRoot/<model>/<version>/` and returns its path. The files go into a hidden
 * temporary folder beside it, which is renamed into place once complete, so a reader
 * never sees a half-written version; an existing version is never overwritten. The
 * manifest's digest is then recorded beside the folder, as `<version>.sha256`.
 */
export function writeArtifact(outRoot: string, artifact: ArtifactInput | AssembledArtifact): string {
  const { manifest, files } = 'manifest' in artifact ? artifact : assembleArtifact(artifact);
  const modelDir = join(outRoot, manifest.name);
  const final = join(modelDir, manifest.version);
  if (existsSync(final)) throw exists(final, manifest.name, manifest.version);
  mkdirSync(modelDir, { recursive: true });
  // Hidden and not a semver, so `latestVersion` never takes it for a version.
  const temp = join(modelDir, `.${manifest.version}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(temp);
    for (const [name, bytes] of files) writeFileSync(join(temp, name), bytes);
    if (existsSync(final)) throw exists(final, manifest.name, manifest.version);
    try {
      renameSync(temp, final);
    } catch (error) {
      // Another export won the race between the check and the rename.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR')
        throw exists(final, manifest.name, manifest.version);
      throw error;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  // The digest beside the folder, where a deployment finds it and loading checks it.
  writeFileAtomic(digestFileOf(final), digestFileText(manifest.version, manifestDigest(files.get(manifestFile)!)));
  return final;
}
