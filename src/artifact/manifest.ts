import type { InputEncoding, OnnxDtype } from '../backends/onnx/exportedSignature.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { HashFunctionSpec } from './hashFunctionSpec.js';

/** Names the layout and the manifest's shape; a reader refuses formats it does not know. */
export const manifestFormat = 'bird-artifact/1';

export const manifestFile = 'manifest.json';
export const irFile = 'ir.json';
export const weightsFile = 'weights.safetensors';
export const vectorsFile = 'vectors.json';
/** The first signature's model; each further signature is `<signature>.onnx`. */
export const firstModelFile = 'model.onnx';

export interface ManifestFileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

/** One graph input, as `ExportedSignature` states it. */
export interface ManifestInput {
  readonly name: string;
  readonly dtype: OnnxDtype;
  readonly shape: readonly (number | string)[];
  readonly feature: string;
  readonly kind: string;
  readonly encoding: InputEncoding;
  readonly default: number | string | null;
  readonly outOfGraph: readonly { readonly op: string; readonly args: Readonly<Record<string, unknown>> }[];
  /** A feature group's raw columns, in the order of the vector's values (`SignatureInput.columns`). */
  readonly columns?: readonly string[];
}

export interface ManifestOutput {
  readonly name: string;
  readonly dtype: OnnxDtype;
  readonly shape: readonly (number | string)[];
  readonly output: string;
}

export interface ManifestSignature {
  readonly name: string;
  /** The signature's own version, as declared (`signature serve @ 1.0.0`). */
  readonly version: string;
  /** The ONNX file holding this signature, relative to the artifact folder. */
  readonly file: string;
  readonly onnx: { readonly opset: number; readonly irVersion: number };
  readonly inputs: readonly ManifestInput[];
  readonly outputs: readonly ManifestOutput[];
}

/** A feature or label of the fitted IR: fitted statistics sit in the transforms' `args`. */
export interface ManifestFeature {
  readonly name: string;
  readonly kind: string;
  readonly args: Readonly<Record<string, AttrValue>>;
  readonly default: AttrValue;
  readonly transforms: readonly { readonly name: string; readonly op: string; readonly args: Readonly<Record<string, AttrValue>> }[];
}

/**
 * What the model was trained on, as the caller measured it. Paths should be relative (to
 * the project) so that the manifest does not depend on the machine.
 */
export interface DataFingerprint {
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly sha256: string }[];
  /** Row counts by part, for example `{ "train": 5000, "eval": 1000 }`. */
  readonly rows: Readonly<Record<string, number>>;
}

export interface ArtifactManifest {
  readonly format: typeof manifestFormat;
  /** The model's name, the `<model>` of `artifacts/<model>/<version>/`. */
  readonly name: string;
  /** The artifact's semver. */
  readonly version: string;
  readonly birdVersion: string;
  /** The format version of `ir.json`. */
  readonly irVersion: number;
  readonly signatures: readonly ManifestSignature[];
  readonly features: readonly ManifestFeature[];
  readonly labels: readonly ManifestFeature[];
  readonly hash: HashFunctionSpec;
  readonly training: {
    readonly data: DataFingerprint;
    /** Final metrics by name; null for a metric that was not a finite number. */
    readonly metrics: Readonly<Record<string, number | null>>;
  };
  /** Every other file of the artifact with its sha256 (hex) and size. */
  readonly files: Readonly<Record<string, ManifestFileEntry>>;
}
