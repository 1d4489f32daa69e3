import { OnnxSession, type OnnxValue } from '../backends/onnx/runOnnx.js';
import type { LoadedArtifact } from './loadArtifact.js';
import { compareOutputs, decodeVectorTensor, type DecodedTensor, type VectorMismatch } from './vectors.js';

/** One signature's model, run by ONNX Runtime on its golden inputs. */
export async function runGoldenInputs(artifact: LoadedArtifact, signature: string): Promise<Record<string, DecodedTensor>> {
  const golden = artifact.vectors.signatures[signature]!;
  const feeds: Record<string, OnnxValue> = {};
  for (const [name, t] of Object.entries(golden.inputs)) {
    const d = decodeVectorTensor(t);
    feeds[name] = { dtype: d.dtype, data: d.values, dims: d.shape } as OnnxValue;
  }
  const session = await OnnxSession.load(artifact.models.get(signature)!);
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([name, v]) => [
        name,
        {
          dtype: v.dtype as DecodedTensor['dtype'],
          shape: v.dims,
          values: (v.dtype === 'bool' ? Array.from(v.data, Number) : v.data) as DecodedTensor['values'],
        },
      ]),
    );
  } finally {
    await session.release();
  }
}

export interface SignatureReplay {
  readonly signature: string;
  /** Golden examples run (the first dimension of the golden inputs). */
  readonly rows: number;
  readonly mismatches: readonly VectorMismatch[];
  /** Set when ONNX Runtime refused the model or its golden inputs; no outputs were compared. */
  readonly error?: string;
}

/**
 * Runs every signature's model on its golden inputs and compares the outputs with the
 * golden ones, within the vectors' tolerance: the check that the model files compute what
 * they computed at export, which no hash can give once a file and its hash were replaced.
 */
export async function replayVectors(artifact: LoadedArtifact): Promise<SignatureReplay[]> {
  const results: SignatureReplay[] = [];
  for (const s of artifact.manifest.signatures) {
    const expected = artifact.vectors.signatures[s.name]!;
    const rows = Object.values(expected.inputs)[0]?.shape[0] ?? 0;
    let actual: Record<string, DecodedTensor>;
    try {
      actual = await runGoldenInputs(artifact, s.name);
    } catch (error) {
      results.push({ signature: s.name, rows, mismatches: [], error: (error as Error).message });
      continue;
    }
    results.push({ signature: s.name, rows, mismatches: compareOutputs(expected.outputs, actual, artifact.vectors.tolerance) });
  }
  return results;
}
