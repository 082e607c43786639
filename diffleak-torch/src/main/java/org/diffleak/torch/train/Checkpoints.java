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
import java.util.Map;
import java.util.stream.Stream;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Json;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.nn.Params;

/**
 * A training run's checkpoints, shared by the image and the table trainers: each one a folder step-NNNNNNNNN
 * written atomically (weights, EMA weights, the optimizer's moments and a state record), latest.json naming the
 * newest, and only the newest two kept, so a run killed while writing still finds a complete one.
 */
public final class Checkpoints {

    /** What every checkpoint's state record holds. */
    public interface State {
        long step();

        long seed();
    }

    private static final String LATEST = "latest.json";
    private static final String STATE = "state.json";

    private final Path dir;

    /** @param dir the run's checkpoints folder (RUN/checkpoints) */
    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the checkpoint of `step`, marks it newest and prunes all but the previous one. */
    public void save(long step, Params params, Params ema, AdamW adam, Object state) {
        Path cp = dir.resolve(String.format("step-%09d", step));
        AtomicFiles.writeDirectory(cp, tmp -> {
            ModelStore.writeParams(tmp.resolve("params.ndlist"), params);
            ModelStore.writeParams(tmp.resolve("ema.ndlist"), ema);
            AtomicFiles.write(tmp.resolve("adam.ndlist"), out -> {
                try (BufferedOutputStream b = new BufferedOutputStream(out, 1 << 16)) {
                    adam.save(b);
                }
            });
            Json.write(tmp.resolve(STATE), state);
        });
        Json.write(dir.resolve(LATEST), Map.of("checkpoint", cp.getFileName().toString()));
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> old = s.filter(p -> p.getFileName().toString().startsWith("step-")).filter(p -> !p.equals(cp))
                    .sorted().toList();
            for (int i = 0; i < old.size() - 1; i++) {
                AtomicFiles.deleteRecursively(old.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune checkpoints in " + dir, e);
        }
    }

    /** The newest checkpoint's folder, or null when there is none. */
    public Path latest() {
        Path latest = dir.resolve(LATEST);
        return Files.isRegularFile(latest) ? dir.resolve(Json.read(latest, Map.class).get("checkpoint").toString())
                : null;
    }

    /**
     * Loads the newest checkpoint's weights, EMA weights and optimizer moments into the given ones and returns its
     * state, or null when there is none; a checkpoint of a run with another seed is refused in one line.
     */
    public <T extends State> T restore(Class<T> type, long seed, List<ParamSpec> specs, Params params, Params ema,
            AdamW adam, NDManager manager) {
        Path checkpoint = latest();
        if (checkpoint == null) {
            return null;
        }
        T st = Json.read(checkpoint.resolve(STATE), type);
        if (st.seed() != seed) {
            throw new DataException(checkpoint + ": checkpoint was made with seed " + st.seed() + ", this run uses "
                    + seed + "; resume with the same configuration");
        }
        load(checkpoint, specs, params, ema, adam, st.step(), manager);
        return st;
    }

    private static void load(Path checkpoint, List<ParamSpec> specs, Params params, Params ema, AdamW adam, long step,
            NDManager manager) {
        try (Params p = ModelStore.readParams(checkpoint.resolve("params.ndlist"), specs, manager);
                Params e = ModelStore.readParams(checkpoint.resolve("ema.ndlist"), specs, manager);
                InputStream in = new BufferedInputStream(Files.newInputStream(checkpoint.resolve("adam.ndlist")))) {
            params.copyFrom(p);
            ema.copyFrom(e);
            adam.load(in, step, checkpoint.toString());
        } catch (IOException ex) {
            throw new UncheckedIOException(checkpoint + ": cannot read checkpoint: " + ex.getMessage(), ex);
        }
    }

    /** The step of the newest checkpoint of a run directory (its state record has a `step`), or 0. */
    public static long step(Path runDir) {
        Path latest = new Checkpoints(runDir.resolve("checkpoints")).latest();
        return latest == null ? 0 : Json.read(latest.resolve(STATE), Map.class).get("step") instanceof Number n
                ? n.longValue() : 0;
    }
}
