package org.diffleak.torch.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's autograd recording switch for one block, restored when the block ends:
 * {@code try (GradMode g = GradMode.enabled(false)) { optimizer step }}.
 */
public final class GradMode implements AutoCloseable {

    private final boolean saved;

    private GradMode() {
        saved = JniUtils.isGradMode();
    }

    /** Turns recording on or off until {@link #close()}, which restores the mode found here. */
    public static GradMode enabled(boolean on) {
        GradMode g = new GradMode();
        JniUtils.setGradMode(on);
        return g;
    }

    /**
     * Leaves the mode as it is and restores it at {@link #close()}: for blocks whose own code switches it, such
     * as a DJL GradientCollector, which turns recording off when it closes.
     */
    public static GradMode restoring() {
        return new GradMode();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(saved);
    }
}
