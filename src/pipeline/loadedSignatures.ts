import type { LoadedArtifact } from '../artifact/loadArtifact.js';
import { float32Values } from '../artifact/safetensors.js';
import type { ExportedSignature } from '../backends/onnx/exportedSignature.js';

/** An artifact's signatures in the form the export produced them, ONNX bytes included. */
export function loadedSignatures(artifact: LoadedArtifact): ExportedSignature[] {
  return artifact.manifest.signatures.map((s) => ({
    name: s.name,
    version: s.version,
    inputs: s.inputs,
    outputs: s.outputs,
    onnx: artifact.models.get(s.name)!,
    opset: s.onnx.opset,
    irVersion: s.onnx.irVersion,
  }));
}

/** An artifact's weights by parameter name. */
export function loadedWeights(artifact: LoadedArtifact): Map<string, Float32Array> {
  return new Map([...artifact.weights.tensors].map(([name, t]) => [name, float32Values(t)]));
}
