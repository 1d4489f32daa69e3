import type { ManifestSignature } from '../artifact/manifest.js';
import { featureTensorType } from './featureTensors.js';
import type { ServedSignature } from './servable.js';

/** One tensor of a signature as the protocols describe it: TF Serving dtype, KServe datatype, shape (-1 unknown). */
export interface TensorMetadata {
  readonly name: string;
  readonly tf: string;
  readonly kserve: string;
  readonly shape: readonly number[];
}

const outputTypes: Readonly<Record<ManifestSignature['outputs'][number]['dtype'], readonly [string, string]>> = {
  float32: ['DT_FLOAT', 'FP32'],
  int64: ['DT_INT64', 'INT64'],
  bool: ['DT_BOOL', 'BOOL'],
  string: ['DT_STRING', 'BYTES'],
};

/**
 * A signature as clients see it: its inputs are the raw features it reads (what requests
 * carry, since the server does the hashing and lookups), its outputs the model's outputs.
 */
export function signatureMetadata(served: ServedSignature): { readonly inputs: TensorMetadata[]; readonly outputs: TensorMetadata[] } {
  return {
    inputs: served.rows.specs.map((spec) => ({ name: spec.name, ...featureTensorType(spec) })),
    outputs: served.signature.outputs.map((o) => ({
      name: o.name,
      tf: outputTypes[o.dtype][0],
      kserve: outputTypes[o.dtype][1],
      shape: o.shape.map((d) => (typeof d === 'number' ? d : -1)),
    })),
  };
}
