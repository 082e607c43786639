package org.diffleak.torch.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** The unfolded (im2col) input of a convolution, built from pad, strided views and one stack. */
public final class Im2col {

    private Im2col() {}

    /**
     * [B, C, H, W] → [B, C·k², Ho·Wo] with zero padding k/2 and the given stride; row index
     * c·k² + dy·k + dx, the layout of a [Cout, C, k, k] weight.
     */
    public static NDArray unfold(NDArray a, int k, int stride, long ho, long wo) {
        Shape s = a.getShape();
        long b = s.get(0);
        long c = s.get(1);
        if (k == 1 && stride == 1) {
            return a.reshape(b, c, ho * wo);
        }
        int p = k / 2;
        NDArray padded = p > 0 ? a.pad(new Shape(p, p, p, p), 0) : a;
        NDList taps = new NDList(k * k);
        for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) {
                taps.add(padded.get(":, :, " + dy + ":" + (dy + stride * (ho - 1) + 1) + ":" + stride + ", "
                        + dx + ":" + (dx + stride * (wo - 1) + 1) + ":" + stride));
            }
        }
        return NDArrays.stack(taps, 2).reshape(b, c * k * k, ho * wo);
    }
}
