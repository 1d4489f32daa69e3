/**
 * The one ONNX opset every exported model imports. 17 is the newest the checker shipped
 * with Debian's python3-onnx (1.12) knows, and onnxruntime-node 1.30 runs it; it has
 * LayerNormalization but not Gelu (opset 20), so `gelu` is written out with Tanh.
 */
export const onnxOpset = 17;

/** The `ai.onnx.ml` opset paired with `onnxOpset` (LabelEncoder for vocabulary lookup). */
export const onnxMlOpset = 3;

/** The ModelProto IR version paired with opset 17 (ONNX 1.12). */
export const onnxIrVersion = 8;

/** The domain of LabelEncoder. */
export const mlDomain = 'ai.onnx.ml';
