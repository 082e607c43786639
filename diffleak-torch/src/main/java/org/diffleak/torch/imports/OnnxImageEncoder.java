package org.diffleak.torch.imports;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.ImageEncoder;
import org.diffleak.core.util.Json;

/**
 * An image encoder in an ONNX file, run by ONNX Runtime on the CPU, for the encoder-cosine similarity of the
 * black-box attacks: one input, images float32 [N, C, H, W] with pixels in [0, 1] (a model that wants other
 * scaling or normalisation has it inside), and its first output, float32 [N, …], flattened per image into
 * the feature vector. Fixed input dimensions must match the candidates; a symbolic batch dimension lets
 * images go through in batches of {@link #BATCH}.
 */
public final class OnnxImageEncoder implements ImageEncoder, AutoCloseable {

    /** Images per run when the batch dimension is free. */
    public static final int BATCH = 32;

    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final int channels;
    private final int height;
    private final int width;
    private final boolean freeBatch;

    private OnnxImageEncoder(Path file, OrtEnvironment env, OrtSession session, String input, int channels,
            int height, int width, boolean freeBatch) {
        this.file = file;
        this.env = env;
        this.session = session;
        this.input = input;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.freeBatch = freeBatch;
    }

    /**
     * Loads an encoder for images of channels×height×width; a file that is not ONNX, has other than one
     * input, or whose fixed input shape differs is a one-line {@link DataException} naming it.
     */
    public static OnnxImageEncoder load(Path file, int channels, int height, int width) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("--encoder " + file + ": no such ONNX file");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            options.setInterOpNumThreads(1);
            session = env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new DataException("--encoder " + file + ": not a readable ONNX model: "
                    + Json.firstLine(e.getMessage()), e);
        }
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || session.getNumOutputs() < 1) {
                throw new DataException("--encoder " + file + ": has inputs " + inputs.keySet()
                        + "; an image encoder takes one input, images [N, C, H, W]");
            }
            Map.Entry<String, NodeInfo> in = inputs.entrySet().iterator().next();
            long[] shape = in.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
            long[] want = {-1, channels, height, width};
            boolean fits = shape.length == 4;
            for (int k = 1; fits && k < 4; k++) {
                fits = shape[k] < 0 || shape[k] == want[k];
            }
            if (!fits) {
                throw new DataException("--encoder " + file + ": takes input " + java.util.Arrays.toString(shape)
                        + ", the candidates are [N, " + channels + ", " + height + ", " + width + "]");
            }
            return new OnnxImageEncoder(file, env, session, in.getKey(), channels, height, width, shape[0] < 0);
        } catch (OrtException e) {
            close(session);
            throw new DataException("--encoder " + file + ": " + Json.firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            close(session);
            throw e;
        }
    }

    @Override
    public float[][] encode(float[] images, int n) {
        int d = channels * height * width;
        if (images.length < (long) n * d) {
            throw new IllegalArgumentException(images.length + " values do not hold " + n + " images of " + d);
        }
        float[][] out = new float[n][];
        int step = freeBatch ? BATCH : 1;
        for (int from = 0; from < n; from += step) {
            int b = Math.min(step, n - from);
            FloatBuffer buf = FloatBuffer.wrap(images, from * d, b * d).slice();
            try (OnnxTensor x = OnnxTensor.createTensor(env, buf, new long[] {b, channels, height, width});
                    OrtSession.Result r = session.run(Map.of(input, x))) {
                OnnxValue v = r.get(0);
                if (!(v instanceof OnnxTensor t) || !(t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT)) {
                    throw new DataException("--encoder " + file + ": its first output is not a float tensor");
                }
                float[] all = new float[t.getFloatBuffer().remaining()];
                t.getFloatBuffer().get(all);
                if (all.length % b != 0 || all.length == 0) {
                    throw new DataException("--encoder " + file + ": " + all.length + " output values for " + b
                            + " images");
                }
                int f = all.length / b;
                for (int i = 0; i < b; i++) {
                    out[from + i] = java.util.Arrays.copyOfRange(all, i * f, (i + 1) * f);
                }
            } catch (OrtException e) {
                throw new DataException("--encoder " + file + ": " + Json.firstLine(e.getMessage()), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        close(session);
    }

    private static void close(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            // nothing left to free
        }
    }
}
