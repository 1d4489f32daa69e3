/**
 * Why the artifact stage refused something. The CLI turns an `ArtifactError` into a
 * diagnostic (`message` as the headline, `hint` as its help) and maps `code` to a catalog
 * code; the stage itself stays free of the catalog so its codes can be assigned in one
 * place.
 */
export type ArtifactErrorCode =
  /** `artifacts/<model>/<version>/` already exists. */
  | 'artifact-exists'
  /** A file the manifest lists (or `manifest.json` itself) is not there. */
  | 'artifact-missing-file'
  /** A file's sha256 differs from the manifest's. */
  | 'artifact-hash-mismatch'
  /** `manifest.json` is not JSON or lacks what the loader needs. */
  | 'artifact-bad-manifest'
  /** A file whose hash matched still does not parse (safetensors, ir.json, vectors.json). */
  | 'artifact-bad-file'
  /** What the caller asked to write is inconsistent (bad version, vectors for an unknown signature, ...). */
  | 'artifact-bad-input'
  /** A version that is not valid semver `MAJOR.MINOR.PATCH[-pre][+build]`. */
  | 'artifact-bad-version'
  /** The new version is not above the latest, or understates the change `bird diff` finds. */
  | 'artifact-version-understated';

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';

  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    /** A suggestion for the user, in the diagnostics' wording (lowercase, no final period). */
    readonly hint: string,
    /** The file at fault, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}
