package org.diffleak.torch.inversion;

import ai.djl.pytorch.jni.JniUtils;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's tiny-model attacks on one intra-op thread ({@code @ExtendWith(SingleThread.class)}):
 * their ops are so small that thread hand-offs dominate, ten times slower on a loaded 2-core machine.
 * Restores the count afterwards.
 */
final class SingleThread implements BeforeAllCallback, AfterAllCallback {

    private int saved;

    @Override
    public void beforeAll(ExtensionContext context) {
        TorchRuntime.init();
        saved = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JniUtils.setNumThreads(saved);
    }
}
