/**
 * A graph that cannot become an ONNX model as asked, for a reason the user can act on:
 * an op with no ONNX form in an exported signature, a transform that was never fitted, a
 * weight that is missing. The CLI turns it into a diagnostic; `op` and `loc` point at the
 * IR node at fault when there is one.
 */
export class OnnxExportError extends Error {
  override readonly name: string = 'OnnxExportError';
  constructor(
    message: string,
    readonly op: string | null = null,
    readonly loc: string | null = null,
  ) {
    super(message);
  }
}

/** An op that has no ONNX emitter, or that runs outside the graph, reached by a signature's outputs. */
export class UnsupportedOnnxOp extends OnnxExportError {
  override readonly name = 'UnsupportedOnnxOp';
  constructor(op: string, reason: string, loc: string | null = null) {
    super(`op \`${op}\` cannot be exported to ONNX: ${reason}${loc ? ` (at ${loc})` : ''}`, op, loc);
  }
}
