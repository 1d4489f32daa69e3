import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import type { ArtifactError, ArtifactErrorCode } from './artifactError.js';

type Key =
  | 'artifactRefused'
  | 'artifactInvalid'
  | 'artifactLink'
  | 'artifactDigestMismatch'
  | 'artifactBadIr'
  | 'artifactNotOnnx'
  | 'artifactContractMismatch'
  | 'artifactInconsistent';

/** The catalog entry of each refusal; `artifact-vectors-mismatch` is BIRD6005, built with its output below. */
const keys: Readonly<Record<Exclude<ArtifactErrorCode, 'artifact-vectors-mismatch'>, Key>> = {
  'artifact-exists': 'artifactRefused',
  'artifact-version-understated': 'artifactRefused',
  'artifact-bad-version': 'artifactRefused',
  'artifact-bad-input': 'artifactRefused',
  'artifact-missing-file': 'artifactInvalid',
  'artifact-hash-mismatch': 'artifactInvalid',
  'artifact-bad-manifest': 'artifactInvalid',
  'artifact-bad-file': 'artifactInvalid',
  'artifact-link': 'artifactLink',
  'artifact-digest-mismatch': 'artifactDigestMismatch',
  'artifact-bad-ir': 'artifactBadIr',
  'artifact-bad-onnx': 'artifactNotOnnx',
  'artifact-contract-mismatch': 'artifactContractMismatch',
  'artifact-inconsistent': 'artifactInconsistent',
};

/**
 * An `ArtifactError` as a diagnostic: its message as the headline, its hint as the help,
 * located at the file at fault (or `where`, the folder the user named) without a code
 * frame, since that file is not text the user wrote. Shared by the CLI and serving.
 */
export function artifactErrorDiagnostic(error: ArtifactError, where: string): Diagnostic {
  const at = new SourceFile(error.file ?? where, '');
  const span = { start: 0, end: 0 };
  if (error.code === 'artifact-vectors-mismatch') {
    const v = error.vector ?? { signature: '?', output: '?', detail: error.message };
    return diagnostic('vectorsMismatch', { output: v.output, signature: v.signature, detail: v.detail }, at, span);
  }
  return diagnostic(keys[error.code], { reason: error.message }, at, span, { help: error.hint });
}
