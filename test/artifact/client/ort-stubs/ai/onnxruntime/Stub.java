// See OrtException.java: why these stubs exist.
package ai.onnxruntime;

final class Stub {
  static UnsupportedOperationException missing(String what) {
    return new UnsupportedOperationException("ONNX Runtime stub: " + what + " needs the real onnxruntime jar");
  }
}
