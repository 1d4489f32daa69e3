// See OrtException.java: why these stubs exist.
package ai.onnxruntime;

public interface OnnxValue extends AutoCloseable {
  @Override
  void close();
}
