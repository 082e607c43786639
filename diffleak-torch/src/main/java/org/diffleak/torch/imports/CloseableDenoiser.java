package org.diffleak.torch.imports;

import org.diffleak.torch.diffusion.Denoiser;

/** A denoiser that holds native resources (a loaded module, a session, weights) until closed. */
public interface CloseableDenoiser extends Denoiser, AutoCloseable {

    @Override
    void close();
}
