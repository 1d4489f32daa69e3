// See OrtException.java: why these stubs exist.
package ai.onnxruntime;

public abstract class OnnxTensorLike implements OnnxValue {}
