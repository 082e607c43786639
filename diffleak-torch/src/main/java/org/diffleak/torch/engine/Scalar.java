package org.diffleak.torch.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Arithmetic of a tensor with a number, safe under autograd. Use these instead of DJL's {@code NDArray}
 * methods that take a {@code Number} ({@code mul(Number)}, {@code div(Number)}, {@code pow(Number)}, …).
 *
 * <p>Why: DJL 0.35's PyTorch engine turns the number into a tensor whose memory is a Java direct buffer
 * ({@code torch::from_blob}, no copy), runs the op, and closes that tensor at once. Autograd saves the
 * operand of a product, quotient or power for the backward pass; once the garbage collector frees the
 * buffer, backward reads freed memory. The gradient then depends on when the collector ran and on what was
 * allocated since: measured here, {@code x.mul(3f)} gave ∂/∂x = 1.4e-45 and {@code x.div(256f)} gave 1/7.5
 * after a GC and a few direct buffers filled with 7.5. That made runs differ between processes and between
 * a loaded and an idle machine. Here the number becomes a 0-d tensor allocated by libtorch itself, which the
 * saved graph keeps alive by reference count, so it may be closed as soon as the op has run. On float32 tensors
 * the results are bit-identical to DJL's when its buffer is intact: a 0-d operand is cast to the tensor's type
 * either way. {@code ScalarTest} fails on any call of DJL's Number overloads in this module.
 */
public final class Scalar {

    private Scalar() {}

    /** A 0-d tensor of value s in x's type, device and manager, owned by libtorch's allocator. */
    public static NDArray like(NDArray x, double s) {
        return JniUtils.full((PtNDManager) x.getManager(), new Shape(), s, x.getDataType(), x.getDevice(),
                SparseFormat.DENSE);
    }

    public static NDArray mul(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.mul(c);
        }
    }

    public static NDArray div(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.div(c);
        }
    }

    public static NDArray add(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.add(c);
        }
    }

    public static NDArray sub(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.sub(c);
        }
    }

    /** s − x. */
    public static NDArray rsub(double s, NDArray x) {
        try (NDArray c = like(x, s)) {
            return c.sub(x);
        }
    }

    public static NDArray pow(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.pow(c);
        }
    }

    public static NDArray minimum(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.minimum(c);
        }
    }

    public static NDArray maximum(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.maximum(c);
        }
    }

    /** x ← x·s in place (no graph: weights and gradients outside a recorded pass). */
    public static NDArray muli(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.muli(c);
        }
    }

    /** x ← x/s in place. */
    public static NDArray divi(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.divi(c);
        }
    }

    /** x ← x + s in place. */
    public static NDArray addi(NDArray x, double s) {
        try (NDArray c = like(x, s)) {
            return x.addi(c);
        }
    }
}
