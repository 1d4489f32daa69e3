import { join } from 'node:path';
import type { OnnxValue } from '../backends/onnx/runOnnx.js';
import type { SignatureInput } from '../backends/onnx/exportedSignature.js';
import { ArtifactError } from './artifactError.js';
import { loadArtifact, type LoadedArtifact, type LoadOptions } from './loadArtifact.js';
import { vectorsFile } from './manifest.js';
import { replayVectors } from './replayVectors.js';
import { compareOutputs, type DecodedTensor, type VectorTensor } from './vectors.js';

export interface OpenOptions extends LoadOptions {
  /**
   * How a client encodes raw rows for a signature (the data stage's `signatureFeeds`):
   * the golden vectors' raw rows, encoded from the manifest's inputs, must give the golden
   * inputs, so an edited default, hash width or out-of-graph step cannot pass.
   */
  readonly encode?: (inputs: readonly SignatureInput[], rows: readonly Readonly<Record<string, string>>[]) => Record<string, OnnxValue>;
}

/**
 * An encoded input in the golden vectors' form. Padded ids are as wide as the longest
 * row of the batch they were encoded in, and the golden inputs are the head of a larger
 * batch, so a narrower encoding is padded (id 0, weight 0) to the golden width first.
 */
function asVector(v: OnnxValue, golden: VectorTensor | undefined): DecodedTensor {
  const dtype = v.dtype as VectorTensor['dtype'];
  const values = (v.dtype === 'bool' ? Array.from(v.data, String) : v.data) as DecodedTensor['values'];
  const [rows, width] = v.dims;
  const want = golden?.shape[1];
  if (
    v.dims.length !== 2 ||
    golden?.shape.length !== 2 ||
    want === undefined ||
    width === undefined ||
    rows === undefined ||
    width >= want ||
    dtype === 'string'
  )
    return { dtype, shape: [...v.dims], values };
  const padded = dtype === 'int64' ? new BigInt64Array(rows * want) : new Float32Array(rows * want);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) padded[r * want + c] = (values as Float32Array | BigInt64Array)[r * width + c]!;
  return { dtype, shape: [rows, want], values: padded };
}

/**
 * Loads an artifact for predictions or serving: everything `loadArtifact` checks, then
 * every signature's model is run on its golden inputs and must give the golden outputs,
 * and (with `encode`) the golden raw rows must encode to the golden inputs. A model whose
 * bytes and hash were both replaced is refused here, before it makes a prediction.
 */
export async function openArtifact(dir: string, options: OpenOptions = {}): Promise<LoadedArtifact> {
  const artifact = loadArtifact(dir, options);
  const label = `artifact ${artifact.manifest.name} ${artifact.manifest.version}`;
  const at = join(dir, vectorsFile);
  for (const r of await replayVectors(artifact)) {
    if (r.error !== undefined)
      throw new ArtifactError(
        'artifact-bad-onnx',
        `ONNX Runtime cannot run signature \`${r.signature}\` of ${label} on its golden inputs: ${r.error}`,
        'the model file was replaced or damaged; restore the artifact from where it was published',
        join(dir, artifact.manifest.signatures.find((s) => s.name === r.signature)!.file),
      );
    const m = r.mismatches[0];
    if (m)
      throw new ArtifactError(
        'artifact-vectors-mismatch',
        `output \`${m.output}\` of signature \`${r.signature}\` of ${label} no longer matches its golden vectors: ${m.message}`,
        "the artifact's model computes something other than when it was exported; export it again rather than editing it",
        at,
        { signature: r.signature, output: m.output, detail: m.message },
      );
  }
  if (options.encode) checkGoldenRows(artifact, options.encode);
  return artifact;
}

/**
 * The golden vectors' raw rows, encoded from the manifest's inputs by `encode`, must give
 * the golden inputs exactly: refuses a manifest whose defaults, hash widths or
 * out-of-graph steps were edited (with its hash) so that clients would encode differently.
 */
export function checkGoldenRows(artifact: LoadedArtifact, encode: NonNullable<OpenOptions['encode']>): void {
  const label = `artifact ${artifact.manifest.name} ${artifact.manifest.version}`;
  const at = join(artifact.dir, vectorsFile);
  const rows = artifact.vectors.rows;
  if (!rows || rows.length === 0) return;
  for (const s of artifact.manifest.signatures) {
    const golden = artifact.vectors.signatures[s.name]!.inputs;
    let encoded: Record<string, OnnxValue>;
    try {
      encoded = encode(s.inputs, rows);
    } catch (error) {
      throw new ArtifactError(
        'artifact-inconsistent',
        `the golden rows of ${label} cannot be encoded for signature \`${s.name}\`: ${(error as Error).message}`,
        'the manifest or vectors.json was edited after export; restore the artifact from where it was published',
        at,
      );
    }
    // Exact: encoding is hashing and copying, with no arithmetic to allow for.
    const exact = { abs: 0, rel: 0 };
    const mismatch = compareOutputs(
      golden,
      Object.fromEntries(Object.entries(encoded).map(([k, v]) => [k, asVector(v, golden[k])])),
      exact,
    )[0];
    if (mismatch)
      throw new ArtifactError(
        'artifact-inconsistent',
        `the golden rows of ${label}, encoded as the manifest says for signature \`${s.name}\`, are not its golden inputs: ${mismatch.message.replace(/^output/, 'input')}`,
        'the manifest (a default, a hash width, an out-of-graph step) or vectors.json was edited after export; restore the artifact from where it was published',
        at,
      );
  }
}
