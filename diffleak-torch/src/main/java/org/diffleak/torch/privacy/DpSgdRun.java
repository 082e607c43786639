package org.diffleak.torch.privacy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.privacy.NoiseCalibration;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.privacy.Segment;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.nn.GradTape;
import org.diffleak.torch.nn.Params;

/**
 * The private side of one DP-SGD training run (Abadi et al. 2016), shared by the diffusion and classifier
 * trainers: Poisson batches at q = B/N, σ given or calibrated to the target ε over the run's steps,
 * per-sample gradients clipped to C over micro-batches, noise σC on the sum, division by qN, and the RDP
 * accountant that steps with the optimizer and tells the trainer when the next step would pass the budget.
 * The model only supplies Σ_i L_i of a micro-batch.
 */
public final class DpSgdRun {

    /** Samples per forward/backward pass (Opacus's physical batch). */
    public static final int MICRO_BATCH = 32;

    /** Σ_i L_i of samples [from, to) of the step's batch, computed through the taped weights. */
    @FunctionalInterface
    public interface MicroBatchLoss {
        NDArray sum(int from, int to, Params taped, NDManager mm);
    }

    /** Σ_i c_i g_i of a batch (clipped per-sample gradients) and Σ_i L_i. */
    public record ClippedSum(Map<String, NDArray> grads, double lossSum) {}

    private final DpSgdConfig dp;
    private final int datasetSize;
    private final double sampleRate;
    private final double noiseMultiplier;
    private final RdpAccountant accountant = new RdpAccountant();

    /** σ is the configured one, or the smallest whose ε after `steps` steps at q stays within the target. */
    public DpSgdRun(DpSgdConfig dp, int datasetSize, int batchSize, long steps) {
        this.dp = dp;
        this.datasetSize = datasetSize;
        this.sampleRate = Math.min(1.0, (double) batchSize / datasetSize);
        this.noiseMultiplier = dp.noiseMultiplier() > 0 ? dp.noiseMultiplier()
                : NoiseCalibration.calibrate(RdpAccountant::new, dp.targetEpsilon(), dp.delta(), sampleRate, steps,
                        0.01).noiseMultiplier();
    }

    public double sampleRate() {
        return sampleRate;
    }

    public double noiseMultiplier() {
        return noiseMultiplier;
    }

    /** Dataset indices of step s's Poisson batch (each index independently with probability q). */
    public int[] batch(Seeds seeds, long step) {
        return DpSgd.poissonSample(seeds.child("poisson").child(step).random(), datasetSize, sampleRate);
    }

    /** False when one more step would spend more than the target ε (always true without a budget). */
    public boolean budgetAllowsAnotherStep() {
        if (dp.targetEpsilon() == 0) {
            return true;
        }
        RdpAccountant next = new RdpAccountant();
        next.restore(accountant.history());
        next.step(noiseMultiplier, sampleRate, 1);
        return next.epsilon(dp.delta()) <= dp.targetEpsilon();
    }

    /**
     * Per-sample gradients of a batch of b samples from one taped backward pass per micro-batch, each clipped
     * to C and summed. Micro-batching leaves the clipped sum unchanged and bounds peak memory. An empty
     * Poisson batch (b = 0) gives zeros: the step still adds noise and counts.
     */
    public ClippedSum clippedSum(Params params, int b, MicroBatchLoss loss, NDManager sm) {
        Map<String, NDArray> grads = new HashMap<>();
        if (b == 0) {
            for (String name : params.names()) {
                grads.put(name, sm.zeros(params.get(name).getShape()));
            }
            return new ClippedSum(grads, 0);
        }
        double lossSum = 0;
        for (int from = 0; from < b; from += MICRO_BATCH) {
            try (NDManager mm = sm.newSubManager()) {
                GradTape tape = new GradTape();
                try (GradientCollector gc = mm.getEngine().newGradientCollector()) {
                    NDArray l = loss.sum(from, Math.min(b, from + MICRO_BATCH), params.recording(tape), mm);
                    gc.backward(l);
                    lossSum += l.getFloat();
                }
                Map<String, NDArray> part = DpSgd.clippedSum(PerSampleGradients.compute(tape), dp.clip());
                for (Map.Entry<String, NDArray> e : part.entrySet()) {
                    NDArray prev = grads.get(e.getKey());
                    NDArray next = prev == null ? e.getValue() : prev.add(e.getValue());
                    next.attach(sm);
                    grads.put(e.getKey(), next);
                }
            }
        }
        return new ClippedSum(grads, lossSum);
    }

    /** (sum + N(0, σ²C²)) / qN in place, then the accountant counts the step. */
    public void privatize(Map<String, NDArray> sum, Seeds seeds, long step) {
        DpSgd.noiseAndScale(sum, noiseMultiplier, dp.clip(), sampleRate * datasetSize,
                DpSgd.noiseGenerator(seeds, step, dp.secureRng()));
        accountant.step(noiseMultiplier, sampleRate, 1);
    }

    /** The guarantee after `steps` steps, for the model card. */
    public PrivacySpent spent(long steps) {
        return new PrivacySpent("rdp", accountant.epsilon(dp.delta()), dp.delta(), noiseMultiplier, dp.clip(),
                sampleRate, steps, dp.secureRng());
    }

    /** ", (ε = …, δ = …)-DP with σ = …" for a trainer's last line. */
    public static String describe(PrivacySpent spent) {
        return String.format(", (ε = %.3f, δ = %g)-DP with σ = %.4f", spent.epsilon(), spent.delta(),
                spent.noiseMultiplier());
    }

    /** The accountant's history, for checkpoints. */
    public List<Segment> history() {
        return accountant.history();
    }

    /** Restores the accountant from a checkpoint's history. */
    public void restore(List<Segment> history) {
        accountant.restore(history);
    }
}
