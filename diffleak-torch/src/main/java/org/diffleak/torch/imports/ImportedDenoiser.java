package org.diffleak.torch.imports;

import java.nio.file.Path;
import org.diffleak.core.diffusion.NoiseSchedule;

/** What every imported denoiser shares: its file, the spec beside it, and the schedule that spec gives. */
abstract class ImportedDenoiser implements CloseableDenoiser {

    protected final Path file;
    protected final ImportedModelSpec spec;
    private final NoiseSchedule schedule;

    ImportedDenoiser(Path file, ImportedModelSpec spec) {
        this.file = file;
        this.spec = spec;
        this.schedule = spec.buildSchedule();
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public int channels() {
        return spec.channels();
    }

    @Override
    public int imageSize() {
        return spec.imageSize();
    }

    @Override
    public int numClasses() {
        return spec.numClasses();
    }
}
