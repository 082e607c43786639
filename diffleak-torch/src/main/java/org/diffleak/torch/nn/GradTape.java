package org.diffleak.torch.nn;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * What a forward pass must keep to get per-sample gradients with one backward pass and no per-sample
 * weight copies: each layer's input a and a zero "probe" added to its output, whose gradient after
 * backward is ∂L/∂y. Per-sample weight gradients then follow from (a_i, ∂L_i/∂y_i) alone
 * ({@link org.diffleak.torch.privacy.PerSampleGradients}).
 */
public final class GradTape {

    /** How a layer's weights act on its input. */
    public enum Kind {
        /** y = W ⋆ a + b (2-D convolution). */
        CONV,
        /** y = W a + b. */
        LINEAR,
        /** y = γ ⊙ a + β per channel (GroupNorm affine; a is the normalised input). */
        AFFINE,
        /** y = onehot · W (embedding table). */
        EMBEDDING
    }

    /** One recorded layer. */
    public record Entry(Kind kind, String name, NDArray input, NDArray probe, int stride, int kernel) {}

    private final List<Entry> entries = new ArrayList<>();

    /** Records the layer and returns its output with the probe added. Called by {@link Layers}. */
    NDArray record(Kind kind, String name, NDArray input, NDArray output, int stride, int kernel) {
        NDArray probe = output.getManager().zeros(output.getShape(), output.getDataType());
        probe.setRequiresGradient(true);
        entries.add(new Entry(kind, name, input.stopGradient(), probe, stride, kernel));
        return output.add(probe);
    }

    public List<Entry> entries() {
        return entries;
    }
}
