/**
 * What the ONNX backend hands to the artifact stage for one signature: the serialized
 * model and the exact contract of its inputs and outputs. The artifact stage writes these
 * into `manifest.json` unchanged, so the manifest always says what the graph expects.
 */

/**
 * Element types that cross a signature, named as ONNX names them. Integer values of any
 * IR width cross as int64; `bool` appears only as an output (a model output of
 * comparisons).
 */
export type OnnxDtype = 'float32' | 'int64' | 'string' | 'bool';

/**
 * How a feature's value crosses the signature:
 * - `dense`: one value per example, shape `[batch]` (or `[batch, d]` for a vector feature);
 *   a missing value is NaN for float32 inputs, and the graph substitutes the default.
 * - `padded_ids`: a sparse feature as int64 ids `[batch, length]`, id 0 being padding or a
 *   missing value; `length` is symbolic. Weighted sparse features add a float32
 *   `<name>.weights` input of the same shape.
 *   Token ids (`sequence |> hash`, `text |> tokens |> hash`) are `padded_ids` of the fixed
 *   shape `[batch, max]`.
 * - `string`: raw strings `[batch]` (or `[batch, max]` tokens, `""` padding), the empty
 *   string meaning missing; the graph looks them up itself (vocabulary features).
 * - `vocab_hash`: for `vocab(oov: k)` with k > 1 only, a second int64 input `<name>.hash`
 *   of the string input's shape holding `hash_bucket(value, 30)` of each string (0 for
 *   `""`; for a missing value, the hash of the declared default): ONNX cannot hash
 *   strings, and the graph needs the hash to pick the out-of-vocabulary bucket of an
 *   unknown value. Known values ignore it.
 *
 * A `dense` int64 input of a `discrete` feature treats a negative id as missing.
 */
export type InputEncoding = 'dense' | 'padded_ids' | 'string' | 'vocab_hash';

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
  /**
   * The declared default, which the graph substitutes for a missing value; null when none.
   * When `outOfGraph` is not empty, the client substitutes it before those steps.
   */
  readonly default: number | string | null;
  /**
   * Steps a client runs before feeding the input, in order (for example
   * `{ op: 'hash_bucket', args: { bits: 18 } }`); empty when the graph does all of it.
   */
  readonly outOfGraph: readonly { readonly op: string; readonly args: Readonly<Record<string, unknown>> }[];
  /**
   * A feature group only (`continuous(columns: [...])`): the raw columns it reads, in order.
   * The input is float32 `[batch, n]` whose value `j` is column `j` of the row (NaN missing).
   */
  readonly columns?: readonly string[];
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
