package org.diffleak.core.config;

/**
 * Recipe of a diffusion training run.
 *
 * @param steps optimizer steps in total (a resumed or fine-tuned run counts from its checkpoint)
 * @param batchSize images per step
 * @param learningRate peak Adam learning rate
 * @param warmupSteps linear learning-rate warm-up from 0
 * @param weightDecay decoupled (AdamW) weight decay
 * @param gradClip global L2 norm clip of the gradient (0 = off)
 * @param emaDecay EMA decay of the weights kept for sampling
 * @param labelDropout probability of replacing the class label by the null label (classifier-free guidance)
 * @param checkpointEvery steps between checkpoints
 * @param seed master seed; every component draws from its own child seed
 */
public record TrainConfig(
        int steps,
        int batchSize,
        double learningRate,
        int warmupSteps,
        double weightDecay,
        double gradClip,
        double emaDecay,
        double labelDropout,
        int checkpointEvery,
        long seed) {

    public TrainConfig {
        if (steps < 1 || batchSize < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("steps, batch size and checkpoint interval must be ≥ 1");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (warmupSteps < 0 || weightDecay < 0 || gradClip < 0) {
            throw new IllegalArgumentException("warm-up, weight decay and gradient clip must be ≥ 0");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
        }
        if (!(labelDropout >= 0 && labelDropout < 1)) {
            throw new IllegalArgumentException("label dropout must be in [0, 1), got " + labelDropout);
        }
    }

    /** Learning rate at a step: linear warm-up, then constant. */
    public double learningRateAt(long step) {
        if (warmupSteps == 0 || step >= warmupSteps) {
            return learningRate;
        }
        return learningRate * (step + 1) / warmupSteps;
    }
}
