package org.diffleak.torch.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Arrays;
import java.util.Locale;
import org.diffleak.torch.engine.Im2col;

/**
 * The ways the project computes a convolution, each a complete forward and backward (autograd runs through
 * whatever ops a path uses). {@code runtime.EngineCheck} picks the first one whose known-answer checks pass.
 */
public enum ConvPath implements ConvOp {

    /** libtorch's own convolution: oneDNN's blocked kernels for float32 batches. */
    ONEDNN {
        @Override
        public NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride) {
            long k = w.getShape().get(2);
            return Conv2d.conv2d(x, w, b, stride == 1 ? ONE : TWO, new Shape(k / 2, k / 2), ONE, 1).singletonOrThrow();
        }
    },

    /**
     * oneDNN with every channel count zero-padded to a multiple of {@link #BLOCK}, so that no kernel pads a
     * channel block itself (where libtorch 2.7.1's oneDNN 3.7.1 goes wrong on some CPUs). Exact: padded input
     * channels are zero and meet zero weights; padded output channels are dropped. Aligned convolutions, the
     * bulk of the work, run unchanged. Unaligned shapes are padded in inference too: the faulty kernels are
     * not reliably wrong (the same check gives NaN in one process and a finite error in the next), so a
     * shape that passed once proves nothing.
     */
    PADDED {
        @Override
        public NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride) {
            long cout = w.getShape().get(0);
            long cin = w.getShape().get(1);
            long ci = aligned(cin);
            long co = aligned(cout);
            if (ci == cin && co == cout) {
                return ONEDNN.conv2d(x, w, b, stride);
            }
            // pad widths run from the last axis backwards: (W, H, C_in[, C_out])
            NDArray xp = ci > cin ? x.pad(new Shape(0, 0, 0, 0, 0, ci - cin), 0) : x;
            NDArray wp = toCall(w.pad(new Shape(0, 0, 0, 0, 0, ci - cin, 0, co - cout), 0), x);
            NDArray bp = b == null || co == cout ? b : toCall(b.pad(new Shape(0, co - cout), 0), x);
            NDArray y = ONEDNN.conv2d(xp, wp, bp, stride);
            return co > cout ? y.get(":, 0:" + cout) : y;
        }
    },

    /** y = W·U(x) + b with U the im2col unfolding: pad, strided views and a matrix multiply, no conv kernel. */
    GEMM {
        @Override
        public NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride) {
            Shape s = x.getShape();
            int k = (int) w.getShape().get(2);
            long cout = w.getShape().get(0);
            long ho = (s.get(2) + 2 * (k / 2) - k) / stride + 1;
            long wo = (s.get(3) + 2 * (k / 2) - k) / stride + 1;
            NDArray y = toCall(w.reshape(cout, -1), x).matMul(Im2col.unfold(x, k, stride, ho, wo));
            if (b != null) {
                y = y.add(toCall(b.reshape(1, cout, 1), x));
            }
            return y.reshape(s.get(0), cout, ho, wo);
        }
    };

    /** oneDNN's widest channel block (AVX-512: 16 float32 lanes); a multiple of the AVX2 block of 8. */
    public static final int BLOCK = 16;

    private static final Shape ONE = new Shape(1, 1);
    private static final Shape TWO = new Shape(2, 2);

    /**
     * An op on a weight attaches its result to the weights' long-lived manager: hand it to the call's
     * (x's), or every call leaves it behind.
     */
    private static NDArray toCall(NDArray derived, NDArray x) {
        derived.attach(x.getManager());
        return derived;
    }

    static long aligned(long channels) {
        return (channels + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** The name used in switches, JSON and messages: "onednn", "padded", "gemm". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConvPath parse(String id) {
        return Arrays.stream(values()).filter(p -> p.id().equals(id.trim().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown engine path '" + id
                        + "' (known: auto, onednn, padded, gemm)"));
    }
}
