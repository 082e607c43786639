package org.diffleak.torch.inversion;

import ai.djl.pytorch.jni.JniUtils;
import org.diffleak.torch.TorchRuntime;

/**
 * Runs a test class's tiny-model attacks on one intra-op thread: their ops are so small that thread
 * hand-offs dominate, ten times slower on a loaded 2-core machine. Restores the count afterwards.
 */
final class SingleThread {

    private static int saved;

    private SingleThread() {}

    static void enter() {
        TorchRuntime.init();
        saved = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    static void exit() {
        JniUtils.setNumThreads(saved);
    }
}
