package org.diffleak.torch.train;

import java.nio.file.Path;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.privacy.DpSgdRun;

/**
 * The step loop the diffusion trainers share: from step `start` to config.steps(), stop where a DP-SGD budget allows
 * no further step (checkpointing there), take one step, stop on a non-finite loss unless told to step through it (the
 * last good checkpoint in checkpointDir stays), report progress, checkpoint every checkpointEvery steps and at the end.
 */
public final class TrainingLoop {

    private TrainingLoop() {}

    /** Optimizer step s; its loss parts, whose sum is the loss. */
    public interface Step {
        double[] take(long s);
    }

    /** Saves the checkpoint after `steps` steps, with the last loss. */
    public interface Checkpoint {
        void save(long steps, double loss);
    }

    /** The progress line after a step, from its loss parts and the examples per second. */
    public interface Line {
        String of(double[] parts, double perSecond);
    }

    /** Where the loop stopped: the steps done and the last loss. */
    public record End(long steps, double loss) {}

    /**
     * @param loss the loss at `start` (NaN when nothing was restored)
     * @param privacy the DP-SGD run whose budget may end training early (null = non-private)
     */
    public static End run(TrainConfig config, long start, double loss, DpSgdRun privacy, boolean stepThroughNonFinite,
            Path checkpointDir, Step step, Checkpoint checkpoint, Line line, ProgressListener progress) {
        progress.start("training", config.steps());
        if (start > 0) {
            progress.update(start, "resumed at step " + start);
        }
        long t0 = System.nanoTime();
        for (long s = start; s < config.steps(); s++) {
            if (privacy != null && !privacy.budgetAllowsAnotherStep()) {
                checkpoint.save(s, loss);
                return new End(s, loss);
            }
            double[] parts = step.take(s);
            loss = 0;
            for (double p : parts) {
                loss += p;
            }
            long done = s + 1;
            if (!Double.isFinite(loss) && !stepThroughNonFinite) {
                throw new TrainingDivergedException("loss became " + loss + " at step " + done
                        + "; the last good checkpoint in " + checkpointDir + " is kept");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            progress.update(done, line.of(parts, (done - start) * config.batchSize() / Math.max(secs, 1e-9)));
            if (done % config.checkpointEvery() == 0 || done == config.steps()) {
                checkpoint.save(done, loss);
            }
        }
        return new End(config.steps(), loss);
    }
}
