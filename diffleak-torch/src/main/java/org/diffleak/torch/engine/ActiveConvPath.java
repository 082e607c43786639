package org.diffleak.torch.engine;

/**
 * The convolution path this process runs on. {@code TorchRuntime.init()} sets it once the engine check has
 * chosen (or confirmed a forced) path; the layers read it. It lives apart from the runtime so that the layers,
 * which the engine check itself exercises, do not depend back on the runtime that runs the check.
 */
public final class ActiveConvPath {

    private static volatile ConvPath path;

    private ActiveConvPath() {}

    /** The checked path; fails when no engine check has passed in this process yet. */
    public static ConvPath get() {
        ConvPath p = path;
        if (p == null) {
            throw new IllegalStateException("no convolution path chosen yet: TorchRuntime.init() runs the engine check first");
        }
        return p;
    }

    /** Called by {@code TorchRuntime.init()} with the path its engine check chose. */
    public static void select(ConvPath p) {
        path = p;
    }
}
