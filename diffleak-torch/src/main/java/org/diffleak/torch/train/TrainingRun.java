package org.diffleak.torch.train;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.io.DataException;
import org.diffleak.core.privacy.Segment;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.privacy.DpSgdRun;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * What the diffusion trainers (images and tables) set up around their step function: the engine manager, the
 * weights (fresh from the config's seed, or a copy of given ones), their EMA copy, AdamW, the DP-SGD run (null
 * when non-private), and the run's checkpoints, resumed from the newest one when asked. Closing it frees all.
 */
public final class TrainingRun implements AutoCloseable {

    /** State of a checkpoint, beside its arrays; privacy is the accountant's history (null if non-private). */
    public record CheckpointState(long step, double loss, long seed, String data, List<Segment> privacy)
            implements Checkpoints.State {}

    private final TrainConfig config;
    private final Checkpoints checkpoints;
    private final NDManager manager;
    private final Params params;
    private final Params ema;
    private final AdamW adam;
    private final DpSgdRun privacy;
    private long startStep;
    private double startLoss = Double.NaN;

    private TrainingRun(TrainConfig config, List<ParamSpec> specs, Params init, DpSgdConfig dp, int examples,
            Path checkpointDir, NDManager manager) {
        this.config = config;
        this.checkpoints = new Checkpoints(checkpointDir);
        this.manager = manager;
        this.params = init != null ? init.copy(manager)
                : Params.initialize(specs, Seeds.of(config.seed()).child("init"), manager);
        this.ema = params.copy(manager);
        this.adam = new AdamW(params, config.weightDecay(), manager);
        this.privacy = dp == null ? null : new DpSgdRun(dp, examples, config.batchSize(), config.steps());
    }

    /**
     * @param init weights to start from (fine-tuning), or null for a fresh initialisation from the config's seed
     * @param dp the DP-SGD configuration, or null for non-private training
     * @param examples the training set's size (DP-SGD's sampling rate is batchSize/examples)
     * @param resume whether to continue from the newest checkpoint in checkpointDir, when there is one
     */
    public static TrainingRun start(TrainConfig config, List<ParamSpec> specs, Params init, DpSgdConfig dp,
            int examples, Path checkpointDir, boolean resume) {
        NDManager manager = TorchRuntime.newManager();
        TrainingRun run = null;
        try {
            run = new TrainingRun(config, specs, init, dp, examples, checkpointDir, manager);
            if (resume) {
                run.restore(specs);
            }
            if (dp == null) {
                run.params.attachGradients();
            }
            return run;
        } catch (RuntimeException e) {
            if (run != null) {
                run.close();
            } else {
                manager.close();
            }
            throw e;
        }
    }

    /** Loads the newest checkpoint, if any: weights, EMA, moments, and the accountant's history. */
    private void restore(List<ParamSpec> specs) {
        CheckpointState st = checkpoints.restore(CheckpointState.class, config.seed(), specs, params, ema, adam, manager);
        if (st == null) {
            return;
        }
        if (privacy != null) {
            if (st.privacy() == null && st.step() > 0) {
                throw new DataException(checkpoints.latest() + ": checkpoint of a non-private run; resume it without"
                        + " DP-SGD");
            }
            privacy.restore(st.privacy() == null ? List.of() : st.privacy());
        }
        startStep = st.step();
        startLoss = st.loss();
    }

    /** Saves the checkpoint after `step` steps. */
    public void saveCheckpoint(long step, double loss, String dataName) {
        checkpoints.save(step, params, ema, adam, new CheckpointState(step, loss, config.seed(), dataName,
                privacy == null ? null : privacy.history()));
    }

    public NDManager manager() {
        return manager;
    }

    public Params params() {
        return params;
    }

    public Params ema() {
        return ema;
    }

    public AdamW adam() {
        return adam;
    }

    /** The DP-SGD run, or null when non-private. */
    public DpSgdRun privacy() {
        return privacy;
    }

    /** The step to continue from: 0, or the restored checkpoint's. */
    public long startStep() {
        return startStep;
    }

    /** The restored checkpoint's loss, or NaN. */
    public double startLoss() {
        return startLoss;
    }

    @Override
    public void close() {
        adam.close();
        ema.close();
        params.close();
        manager.close();
    }
}
