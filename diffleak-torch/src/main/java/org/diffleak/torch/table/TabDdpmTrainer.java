package org.diffleak.torch.table;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.data.DataException;
import org.diffleak.core.model.TableModelCard;
import org.diffleak.core.table.TableEncoding.Encoded;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.train.AdamW;
import org.diffleak.torch.train.Checkpoints;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.TrainingDivergedException;

/**
 * Trains a {@link TabDdpm} with the conventions of {@link DiffusionTrainer}: AdamW with linear warm-up,
 * optional global-norm clipping, EMA weights, a stop with the last good checkpoint kept when the loss turns
 * NaN or infinite, and atomic checkpoints that resume exactly, since every draw of step s (rows, t, ε,
 * categorical x_t) derives from (seed, s). The engine check runs when the first manager is made.
 */
public final class TabDdpmTrainer {

    /** State of a checkpoint, beside its arrays. */
    public record CheckpointState(long step, double loss, long seed, String data) implements Checkpoints.State {}

    private final TabDdpm model;
    private final TrainConfig config;
    private final Path runDir;

    public TabDdpmTrainer(TabDdpm model, TrainConfig config, Path runDir) {
        this.model = model;
        this.config = config;
        this.runDir = runDir;
    }

    public Path checkpointDir() {
        return runDir.resolve("checkpoints");
    }

    public Path modelDir() {
        return runDir.resolve("model");
    }

    /** Trains on the encoded rows and writes the model directory; with resume, continues from the newest checkpoint. */
    public TableModelCard train(Encoded data, TableModelCard template, boolean resume, ProgressListener progress) {
        if (data.rows() == 0) {
            throw new DataException(template.dataset() + ": no rows to train on");
        }
        Seeds seeds = Seeds.of(config.seed());
        try (NDManager manager = TorchRuntime.newManager();
                Params params = Params.initialize(model.specs(), seeds.child("init"), manager);
                Params ema = params.copy(manager);
                AdamW adam = new AdamW(params, config.weightDecay(), manager)) {
            long start = 0;
            double loss = Double.NaN;
            if (resume) {
                CheckpointState st = restore(params, ema, adam, manager);
                if (st != null) {
                    start = st.step();
                    loss = st.loss();
                }
            }
            params.attachGradients();
            progress.start("training", config.steps());
            if (start > 0) {
                progress.update(start, "resumed at step " + start);
            }
            long t0 = System.nanoTime();
            for (long s = start; s < config.steps(); s++) {
                double[] parts = step(params, ema, adam, data, seeds, s, manager);
                loss = parts[0] + parts[1];
                long done = s + 1;
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException("loss became " + loss + " at step " + done
                            + "; the last good checkpoint in " + checkpointDir() + " is kept");
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                progress.update(done, String.format("loss %.4f (gauss %.4f, multi %.4f)  %.0f rows/s", loss, parts[0],
                        parts[1], (done - start) * config.batchSize() / Math.max(secs, 1e-9)));
                if (done % config.checkpointEvery() == 0 || done == config.steps()) {
                    saveCheckpoint(params, ema, adam, done, loss, template.dataset());
                }
            }
            TableModelCard card = template.withStep(config.steps(), loss);
            TableModelStore.save(modelDir(), card, params, ema);
            progress.finish(String.format("trained %d steps, final loss %.4f, model in %s", config.steps(), loss,
                    modelDir()));
            return card;
        }
    }

    /** One optimizer step; {Gaussian loss, multinomial loss}. */
    private double[] step(Params params, Params ema, AdamW adam, Encoded data, Seeds seeds, long s, NDManager manager) {
        Encoded batch = TabDdpm.rows(data, DiffusionTrainer.batchIndices(seeds, s, config.batchSize(), data.rows()));
        try (NDManager sm = manager.newSubManager()) {
            TabDdpm.Loss loss;
            try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
                loss = model.loss(params, batch, seeds.child("noise").child(s).random(), sm);
                gc.backward(loss.total());
            }
            double[] parts = {loss.gaussian(), loss.multinomial()};
            if (!Double.isFinite(parts[0] + parts[1])) {
                return parts;
            }
            Map<String, NDArray> grads = new HashMap<>();
            NDArray sq = sm.zeros(new Shape());
            for (String name : params.names()) {
                NDArray g = params.get(name).getGradient();
                g.attach(sm);
                grads.put(name, g);
                sq = sq.add(g.square().sum());
            }
            double norm = Math.sqrt(sq.getFloat());
            double scale = config.gradClip() > 0 && norm > config.gradClip() ? config.gradClip() / norm : 1.0;
            boolean mode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                adam.step(params, grads, config.learningRateAt(s), scale);
                double dec = config.emaDecay();
                for (String name : params.names()) {
                    // θ̄ ← d θ̄ + (1 − d) θ
                    NDArray delta = params.get(name).mul(1 - dec);
                    delta.attach(sm);
                    ema.get(name).muli(dec).addi(delta);
                }
            } finally {
                JniUtils.setGradMode(mode);
            }
            for (NDArray p : params.arrays()) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return parts;
        }
    }

    private void saveCheckpoint(Params params, Params ema, AdamW adam, long step, double loss, String dataName) {
        new Checkpoints(checkpointDir()).save(step, params, ema, adam,
                new CheckpointState(step, loss, config.seed(), dataName));
    }

    private CheckpointState restore(Params params, Params ema, AdamW adam, NDManager manager) {
        return new Checkpoints(checkpointDir()).restore(CheckpointState.class, config.seed(), model.specs(), params, ema,
                adam, manager);
    }

    /** The step of the newest checkpoint in a run directory, or 0. */
    public static long checkpointStep(Path runDir) {
        return Checkpoints.step(runDir);
    }

}
