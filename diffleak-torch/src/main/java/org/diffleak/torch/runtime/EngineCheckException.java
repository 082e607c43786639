package org.diffleak.torch.runtime;

/** No convolution path passed the engine check (or the forced one failed): the run must not go on. */
public class EngineCheckException extends RuntimeException {

    public EngineCheckException(String message) {
        super(message);
    }
}
