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
  /** A file of the artifact (or its recorded digest) is a symbolic link. */
  | 'artifact-link'
  /** `manifest.json` is not the one whose digest was pinned or recorded at export. */
  | 'artifact-digest-mismatch'
  /** `ir.json` does not match docs/ir.schema.json or breaks the IR's invariants. */
  | 'artifact-bad-ir'
  /** A signature's model file is not an ONNX model. */
  | 'artifact-bad-onnx'
  /** The manifest's inputs or outputs of a signature are not the ONNX model's own. */
  | 'artifact-contract-mismatch'
  /** The manifest disagrees with ir.json, the feature hash or the golden vectors. */
  | 'artifact-inconsistent'
  /** A signature's model, run on its golden inputs when loading, does not give its golden outputs. */
  | 'artifact-vectors-mismatch'
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
    /** For `artifact-vectors-mismatch`: the output that strayed and how. */
    readonly vector?: { readonly signature: string; readonly output: string; readonly detail: string },
  ) {
    super(message);
  }
}
