package org.diffleak.torch.imports;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.diffleak.core.data.DataException;
import org.diffleak.core.schedule.NoiseSchedule;
import org.diffleak.torch.diffusion.UNetDenoiser;
import org.diffleak.torch.train.ModelStore;

/** Opens any denoiser DiffLeak can read, choosing the loader by what the path is. */
public final class Denoisers {

    private Denoisers() {}

    /**
     * A DiffLeak model directory (model.json inside; EMA weights go into `manager`), a TorchScript file
     * (.pt, .torchscript) or an ONNX file (.onnx), the last two with their {@link ImportedModelSpec} beside.
     */
    public static CloseableDenoiser load(Path path, NDManager manager) {
        return load(path, manager, true);
    }

    /** As {@link #load(Path, NDManager)}; for a DiffLeak model directory, ema = false takes the raw weights. */
    public static CloseableDenoiser load(Path path, NDManager manager, boolean ema) {
        if (Files.isDirectory(path)) {
            return saved(ModelStore.load(path, ema, manager));
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pt") || name.endsWith(".torchscript")) {
            return TorchScriptDenoiser.load(path);
        }
        if (name.endsWith(".onnx")) {
            return OnnxDenoiser.load(path);
        }
        throw new DataException(path + ": not a model (expected a DiffLeak model directory, .pt, .torchscript"
                + " or .onnx)");
    }

    private static CloseableDenoiser saved(ModelStore.Loaded loaded) {
        UNetDenoiser d = loaded.denoiser();
        return new CloseableDenoiser() {
            @Override
            public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
                return d.predictNoise(xt, t, labels);
            }

            @Override
            public NoiseSchedule schedule() {
                return d.schedule();
            }

            @Override
            public int channels() {
                return d.channels();
            }

            @Override
            public int imageSize() {
                return d.imageSize();
            }

            @Override
            public int numClasses() {
                return d.numClasses();
            }

            @Override
            public void close() {
                loaded.close();
            }
        };
    }
}
