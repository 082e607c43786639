package org.diffleak.torch.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.diffleak.torch.runtime.TorchRuntime;

/** Child JVM of {@link NativeLoggingTest}: N batch-1 convolutions through libtorch's own kernel selection. */
public final class BatchOneConvolutions {

    private BatchOneConvolutions() {}

    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        TorchRuntime.startEngine();
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine(TorchRuntime.ENGINE).defaultDevice(),
                TorchRuntime.ENGINE)) {
            NDArray x = m.ones(new Shape(1, 4, 8, 8));
            NDArray w = m.ones(new Shape(8, 4, 3, 3));
            for (int i = 0; i < calls; i++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).head();
                    step.attachAll(y);
                    // centre pixel: 4 channels × 9 taps of 1·1
                    if (y.getFloat(0, 0, 4, 4) != 36f) {
                        throw new IllegalStateException("wrong convolution: " + y.getFloat(0, 0, 4, 4));
                    }
                }
            }
        }
        System.out.println("ok " + calls);
    }
}
