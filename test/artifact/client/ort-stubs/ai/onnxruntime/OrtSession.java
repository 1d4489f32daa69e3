// See OrtException.java: why these stubs exist.
package ai.onnxruntime;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

public class OrtSession implements AutoCloseable {
  public Set<String> getOutputNames() {
    throw Stub.missing("OrtSession.getOutputNames");
  }

  public Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
    throw Stub.missing("OrtSession.run");
  }

  @Override
  public void close() throws OrtException {}

  public static class SessionOptions implements AutoCloseable {
    public SessionOptions() {}

    @Override
    public void close() {}
  }

  public static class Result implements AutoCloseable, Iterable<Map.Entry<String, OnnxValue>> {
    public Optional<OnnxValue> get(String name) {
      throw Stub.missing("OrtSession.Result.get");
    }

    @Override
    public Iterator<Map.Entry<String, OnnxValue>> iterator() {
      throw Stub.missing("OrtSession.Result.iterator");
    }

    @Override
    public void close() {}
  }
}
