package org.diffleak.torch.imports;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Json;

/**
 * An ONNX model (x_t, t[, y]) → ε run by ONNX Runtime on the CPU. Inference only: ε is copied into a new
 * NDArray in x_t's manager, so no gradient flows through it. The model's inputs, in their declared order,
 * are x_t float32 [N, C, H, W] in [−1, 1], t int64 [N], and for a class-conditional model y int64 [N];
 * their names do not matter.
 */
public final class OnnxDenoiser extends ImportedDenoiser {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> inputNames;

    private OnnxDenoiser(Path file, OrtEnvironment env, OrtSession session, ImportedModelSpec spec) {
        super(file, spec);
        this.env = env;
        this.session = session;
        this.inputNames = new ArrayList<>(session.getInputNames());
    }

    /** Loads `file` with its spec beside it (see {@link ImportedModelSpec}). */
    public static OnnxDenoiser load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such ONNX file");
        }
        ImportedModelSpec spec = ImportedModelSpec.forModel(file);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            options.setInterOpNumThreads(1);
            session = env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new DataException(file + ": not a readable ONNX model: " + Json.firstLine(e.getMessage()), e);
        }
        int expected = spec.numClasses() > 0 ? 3 : 2;
        if (session.getNumInputs() != expected) {
            String names = session.getInputNames().toString();
            close(session);
            throw new DataException(file + ": has inputs " + names + ", expected " + expected
                    + " (x_t, t[, y]) for numClasses = " + spec.numClasses());
        }
        return new OnnxDenoiser(file, env, session, spec);
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        spec.requireInput(xt);
        long[] shape = xt.getShape().getShape();
        List<NDArray> arrays = new ArrayList<>(List.of(xt, t));
        NDArray y = spec.labelsFor(xt, labels);
        if (y != null) {
            arrays.add(y);
        }
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put(inputNames.get(0), OnnxTensor.createTensor(env, FloatBuffer.wrap(xt.toFloatArray()), shape));
            for (int i = 1; i < arrays.size(); i++) {
                long[] v = arrays.get(i).toType(DataType.INT64, false).toLongArray();
                inputs.put(inputNames.get(i), OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {v.length}));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxValue out = result.get(0);
                if (!(out instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT
                        || !Arrays.equals(tensor.getInfo().getShape(), shape)) {
                    throw new DataException(file + ": returned " + out.getInfo() + ", expected float32 ε of x_t's"
                            + " shape " + xt.getShape());
                }
                FloatBuffer buf = tensor.getFloatBuffer();
                float[] eps = new float[buf.remaining()];
                buf.get(eps);
                return xt.getManager().create(eps, new Shape(shape));
            }
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime failed: " + Json.firstLine(e.getMessage()), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }





    @Override
    public void close() {
        close(session);
    }

    private static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close ONNX session: " + e.getMessage(), e);
        }
    }
}
