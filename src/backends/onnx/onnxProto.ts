// onnx-proto is CommonJS whose root is assigned to `module.exports`, so Node's ESM loader
// sees only a default export: the namespace is taken from it here, once.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
// Re-exported as a namespace type so other files can name `onnx.IModelProto` and the rest.
export type { onnx as OnnxTypes } from 'onnx-proto';
