package org.diffleak.torch.train;

import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.util.Json;
import org.diffleak.torch.diffusion.UNetDenoiser;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;

/**
 * A saved denoiser: a directory with model.json (the card), ema.ndlist (EMA weights, used for sampling)
 * and weights.ndlist (raw weights). Parameter files are DJL NDList encodings of the named arrays.
 */
public final class ModelStore {

    public static final String CARD = "model.json";
    public static final String EMA = "ema.ndlist";
    public static final String WEIGHTS = "weights.ndlist";

    private ModelStore() {}

    /** Writes the whole model directory atomically (a half-written model never appears). */
    public static void save(Path dir, ModelCard card, Params weights, Params ema) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Json.write(tmp.resolve(CARD), card);
            writeParams(tmp.resolve(WEIGHTS), weights);
            writeParams(tmp.resolve(EMA), ema);
        });
    }

    public static void writeParams(Path file, Params p) {
        AtomicFiles.write(file, out -> {
            try (BufferedOutputStream b = new BufferedOutputStream(out, 1 << 16)) {
                p.save(b);
            }
        });
    }

    public static ModelCard readCard(Path dir) {
        Path card = dir.resolve(CARD);
        if (!Files.isRegularFile(card)) {
            throw new DataException(dir + ": not a DiffLeak model directory (no " + CARD + ")");
        }
        try {
            ModelCard c = Json.MAPPER.readValue(card.toFile(), ModelCard.class);
            if (c.unet() == null || c.schedule() == null) {
                throw new DataException(card + ": model card lacks the architecture or schedule");
            }
            return c;
        } catch (IOException e) {
            throw new DataException(card + ": corrupt model card: " + Json.firstLine(e.getMessage()), e);
        }
    }

    static Params readParams(Path file, UNet unet, NDManager manager) {
        return readParams(file, unet.specs(), manager);
    }

    public static Params readParams(Path file, List<ParamSpec> specs, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": missing parameter file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return Params.load(specs, in, manager, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A loaded model: its card and one set of weights (EMA or raw) in a manager of its own. */
    public record Loaded(ModelCard card, UNet unet, Params params) implements AutoCloseable {

        public UNetDenoiser denoiser() {
            return new UNetDenoiser(unet, params, card.schedule().build());
        }

        @Override
        public void close() {
            params.close();
        }
    }

    /** Loads the EMA weights (ema = true) or the raw weights. */
    public static Loaded load(Path dir, boolean ema, NDManager manager) {
        ModelCard card = readCard(dir);
        UNet unet = new UNet(card.unet());
        return new Loaded(card, unet, readParams(dir.resolve(ema ? EMA : WEIGHTS), unet, manager));
    }
}
