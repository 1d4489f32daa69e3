/**
 * What the ONNX backend hands to the artifact stage for one signature: the serialized
 * model and the exact contract of its inputs and outputs. The artifact stage writes these
 * into `manifest.json` unchanged, so the manifest always says what the graph expects.
 */

/** Element types that cross a signature, named as ONNX names them. */
export type OnnxDtype = 'float32' | 'int64' | 'string';

/**
 * How a feature's value crosses the signature:
 * - `dense`: one value per example, shape `[batch]` (or `[batch, d]` for a vector feature);
 *   a missing value is NaN for float32 inputs, and the graph substitutes the default.
 * - `padded_ids`: a sparse feature as int64 ids `[batch, length]`, id 0 being padding or a
 *   missing value; `length` is symbolic. Weighted sparse features add a float32
 *   `<name>.weights` input of the same shape.
 * - `string`: raw strings `[batch]`, the empty string meaning missing; the graph looks them
 *   up itself (vocabulary features).
 */
export type InputEncoding = 'dense' | 'padded_ids' | 'string';

export interface SignatureTensor {
  /** The name of the graph input or output, exactly as ONNX Runtime is fed or returns it. */
  readonly name: string;
  readonly dtype: OnnxDtype;
  /** Dimensions; a string is a symbolic dimension (`batch`, `<feature>.length`). */
  readonly shape: readonly (number | string)[];
}

/** One graph input: which feature it carries and what a client must do before sending it. */
export interface SignatureInput extends SignatureTensor {
  readonly feature: string;
  /** The feature kind as declared (`continuous`, `discrete`, `string`, `sparse`, ...). */
  readonly kind: string;
  readonly encoding: InputEncoding;
  /** The declared default, which the graph substitutes for a missing value; null when none. */
  readonly default: number | string | null;
  /**
   * Steps a client runs before feeding the input, in order (for example
   * `{ op: 'hash_bucket', args: { bits: 18 } }`); empty when the graph does all of it.
   */
  readonly outOfGraph: readonly { readonly op: string; readonly args: Readonly<Record<string, unknown>> }[];
}

export interface SignatureOutput extends SignatureTensor {
  /** The model output (`out` name) it carries. */
  readonly output: string;
}

export interface ExportedSignature {
  readonly name: string;
  readonly version: string;
  readonly inputs: readonly SignatureInput[];
  readonly outputs: readonly SignatureOutput[];
  /** The serialized ModelProto. */
  readonly onnx: Uint8Array;
  readonly opset: number;
  readonly irVersion: number;
}
