// See OrtException.java: why these stubs exist.
package ai.onnxruntime;

public class OrtEnvironment implements AutoCloseable {
  public static OrtEnvironment getEnvironment() {
    throw Stub.missing("OrtEnvironment.getEnvironment");
  }

  public OrtSession createSession(String modelPath, OrtSession.SessionOptions options) throws OrtException {
    throw Stub.missing("OrtEnvironment.createSession");
  }

  @Override
  public void close() {}
}
