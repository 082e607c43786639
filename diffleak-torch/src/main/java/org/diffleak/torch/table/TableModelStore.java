package org.diffleak.torch.table;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.TableModelCard;
import org.diffleak.core.util.Json;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.train.ModelStore;

/**
 * A saved tabular model: a directory with table-model.json (the card, with the column encoding),
 * ema.ndlist (EMA weights, used for sampling) and weights.ndlist, as {@link ModelStore} keeps image models.
 */
public final class TableModelStore {

    public static final String CARD = "table-model.json";

    private TableModelStore() {}

    /** Writes the whole model directory atomically. */
    public static void save(Path dir, TableModelCard card, Params weights, Params ema) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Json.write(tmp.resolve(CARD), card);
            ModelStore.writeParams(tmp.resolve(ModelStore.WEIGHTS), weights);
            ModelStore.writeParams(tmp.resolve(ModelStore.EMA), ema);
        });
    }

    public static TableModelCard readCard(Path dir) {
        Path card = dir.resolve(CARD);
        if (!Files.isRegularFile(card)) {
            throw new DataException(dir + ": not a DiffLeak table model directory (no " + CARD + ")");
        }
        try {
            TableModelCard c = Json.MAPPER.readValue(card.toFile(), TableModelCard.class);
            if (c.model() == null || c.encoding() == null) {
                throw new DataException(card + ": table model card lacks the architecture or the column encoding");
            }
            return c;
        } catch (IOException e) {
            throw new DataException(card + ": corrupt table model card: " + Json.firstLine(e.getMessage()), e);
        }
    }

    /** A loaded model: card, diffusion and one set of weights in a manager of its own. */
    public record Loaded(TableModelCard card, TabDdpm model, Params params) implements AutoCloseable {
        @Override
        public void close() {
            params.close();
        }
    }

    /** Loads the EMA weights (ema = true) or the raw weights. */
    public static Loaded load(Path dir, boolean ema, NDManager manager) {
        TableModelCard card = readCard(dir);
        TabDdpm model = new TabDdpm(card.model(), card.encoding());
        return new Loaded(card, model, ModelStore.readParams(dir.resolve(ema ? ModelStore.EMA : ModelStore.WEIGHTS),
                model.specs(), manager));
    }
}
