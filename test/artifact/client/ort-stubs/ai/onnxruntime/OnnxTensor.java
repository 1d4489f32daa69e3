// See OrtException.java: why these stubs exist.
package ai.onnxruntime;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;

public class OnnxTensor extends OnnxTensorLike {
  public static OnnxTensor createTensor(OrtEnvironment env, FloatBuffer data, long[] shape) throws OrtException {
    throw Stub.missing("OnnxTensor.createTensor");
  }

  public static OnnxTensor createTensor(OrtEnvironment env, LongBuffer data, long[] shape) throws OrtException {
    throw Stub.missing("OnnxTensor.createTensor");
  }

  public static OnnxTensor createTensor(OrtEnvironment env, String[] data, long[] shape) throws OrtException {
    throw Stub.missing("OnnxTensor.createTensor");
  }

  public FloatBuffer getFloatBuffer() {
    throw Stub.missing("OnnxTensor.getFloatBuffer");
  }

  @Override
  public void close() {
    throw Stub.missing("OnnxTensor.close");
  }
}
