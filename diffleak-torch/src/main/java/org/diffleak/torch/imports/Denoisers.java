package org.diffleak.torch.imports;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.diffleak.core.io.DataException;
import org.diffleak.torch.diffusion.ForwardingDenoiser;
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
        return new Saved(loaded);
    }

    /** A saved DiffLeak model whose weights are freed on close. */
    private static final class Saved extends ForwardingDenoiser implements CloseableDenoiser {

        private final ModelStore.Loaded loaded;

        Saved(ModelStore.Loaded loaded) {
            super(loaded.denoiser());
            this.loaded = loaded;
        }

        @Override
        public void close() {
            loaded.close();
        }
    }
}
