// A stub of ONNX Runtime's Java API (ai.onnxruntime, as its Javadoc documents it), only so
// that the Java client of docs/artifacts.md compiles where the real jar cannot be fetched.
// Every method throws: with the stubs, the client runs until it first needs ONNX Runtime.
package ai.onnxruntime;

public class OrtException extends Exception {
  private static final long serialVersionUID = 1L;

  public OrtException(String message) {
    super(message);
  }
}
