package org.diffleak.torch;

import ai.djl.ndarray.NDManager;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of tests that need the engine: a fresh NDManager per test, closed after it. */
public abstract class NativeTest {

    protected NDManager manager;

    @BeforeEach
    void openManager() {
        manager = TorchRuntime.newManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }
}
