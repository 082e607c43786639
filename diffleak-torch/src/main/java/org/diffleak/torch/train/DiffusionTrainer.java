package org.diffleak.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.engine.GradMode;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.privacy.DpSgdRun;

/**
 * DDPM training with the simple loss L = ‖ε − ε_θ(√ᾱ_t x₀ + √(1−ᾱ_t) ε, t)‖² (Ho et al. 2020, eq. 14),
 * AdamW with linear warm-up, global-norm gradient clipping, EMA weights, and atomic checkpoints that
 * resume exactly. Every random draw of step s (data order, t, ε, label dropout) derives from
 * (seed, s), so a resumed run replays the uninterrupted one. With a {@link DpSgdConfig} it trains with
 * DP-SGD instead: Poisson batches, per-sample gradients from one taped backward pass per micro-batch,
 * clipping, Gaussian noise, and an RDP accountant whose history lives in the checkpoints.
 */
public final class DiffusionTrainer {

    private final UNet unet;
    private final NoiseSchedule schedule;
    private final TrainConfig config;
    private final Path runDir;
    private final DpSgdConfig dp;
    /** The private side of the current run (null if non-private). */
    private DpSgdRun privacy;
    private boolean stepThroughNonFinite;

    public DiffusionTrainer(UNet unet, NoiseSchedule schedule, TrainConfig config, Path runDir) {
        this(unet, schedule, config, runDir, null);
    }

    /** With dp non-null, trains with DP-SGD (Poisson sampling at q = batchSize/N) and RDP accounting. */
    public DiffusionTrainer(UNet unet, NoiseSchedule schedule, TrainConfig config, Path runDir, DpSgdConfig dp) {
        this.unet = unet;
        this.schedule = schedule;
        this.config = config;
        this.runDir = runDir;
        this.dp = dp;
    }

    /**
     * Keeps stepping when the loss is NaN or infinite instead of stopping: only for timing an engine path
     * whose check failed (`diffleak bench` under diffleak.engine.check=warn), whose results are wrong anyway.
     */
    public DiffusionTrainer stepThroughNonFinite() {
        stepThroughNonFinite = true;
        return this;
    }

    public Path checkpointDir() {
        return runDir.resolve("checkpoints");
    }

    public Path modelDir() {
        return runDir.resolve("model");
    }

    /**
     * Trains on data (pixels in [0, 1]; labels used when the UNet is class-conditional) and writes the
     * model directory. With resume, continues from the newest checkpoint when there is one. With init,
     * starts from those weights (fine-tuning) instead of a fresh initialisation.
     *
     * @return the card of the written model
     */
    public ModelCard train(ImageDataset data, ModelCard cardTemplate, Params init, boolean resume,
            ProgressListener progress) {
        checkData(data);
        Seeds seeds = Seeds.of(config.seed());
        try (TrainingRun run = TrainingRun.start(config, unet.specs(), init, dp, data.size(), checkpointDir(), resume)) {
            privacy = run.privacy();
            Params params = run.params();
            TrainingLoop.End end = TrainingLoop.run(config, run.startStep(), run.startLoss(), privacy,
                    stepThroughNonFinite, checkpointDir(),
                    s -> new double[] {step(params, run.ema(), run.adam(), data, seeds, s, run.manager())},
                    (n, l) -> run.saveCheckpoint(n, l, data.name()),
                    (parts, rate) -> String.format("loss %.4f  %.1f img/s", parts[0], rate), progress);
            long last = end.steps();
            double loss = end.loss();
            ModelCard card = cardTemplate.withStep(last, loss);
            String privacyNote = "";
            if (privacy != null) {
                PrivacySpent spent = privacy.spent(last);
                card = card.withPrivacy(spent);
                privacyNote = DpSgdRun.describe(spent);
            }
            ModelStore.save(modelDir(), card, params, run.ema());
            progress.finish(String.format("trained %d steps, final loss %.4f%s, model in %s", last, loss,
                    privacyNote, modelDir()));
            return card;
        }
    }

    private void checkData(ImageDataset data) {
        var c = unet.config();
        if (data.channels() != c.channels() || data.height() != c.imageSize() || data.width() != c.imageSize()) {
            throw new DataException(data.name() + ": images are " + data.channels() + "x" + data.height() + "x"
                    + data.width() + " but the model takes " + c.channels() + "x" + c.imageSize() + "x"
                    + c.imageSize());
        }
        if (data.size() == 0) {
            throw new DataException(data.name() + ": no images to train on");
        }
        if (c.numClasses() > 0 && data.numClasses() > c.numClasses()) {
            throw new DataException(data.name() + ": labels go up to " + (data.numClasses() - 1)
                    + " but the model has " + c.numClasses() + " classes");
        }
    }

    /** Dataset indices of the batch at step s: consecutive slices of seeded per-epoch permutations. */
    public static int[] batchIndices(Seeds seeds, long step, int batch, int n) {
        int[] idx = new int[batch];
        long pos = step * batch;
        long cachedEpoch = -1;
        int[] perm = null;
        for (int i = 0; i < batch; i++, pos++) {
            long epoch = pos / n;
            if (epoch != cachedEpoch) {
                perm = Seeds.permutation(seeds.child("data").child(epoch).random(), n);
                cachedEpoch = epoch;
            }
            idx[i] = perm[(int) (pos % n)];
        }
        return idx;
    }

    private double step(Params params, Params ema, AdamW adam, ImageDataset data, Seeds seeds, long s,
            NDManager manager) {
        int[] idx = privacy == null ? batchIndices(seeds, s, config.batchSize(), data.size())
                : privacy.batch(seeds, s);
        int b = idx.length;
        int d = data.imageSize();
        SplittableRandom rng = seeds.child("noise").child(s).random();
        float[] x0 = new float[b * d];
        long[] ts = new long[b];
        long[] ys = new long[b];
        float[] sa = new float[b];
        float[] sb = new float[b];
        for (int i = 0; i < b; i++) {
            data.copyImage(idx[i], x0, i * d);
            ts[i] = rng.nextInt(schedule.steps());
            sa[i] = (float) schedule.sqrtAlphaBar((int) ts[i]);
            sb[i] = (float) schedule.sqrtOneMinusAlphaBar((int) ts[i]);
            boolean drop = config.labelDropout() > 0 && rng.nextDouble() < config.labelDropout();
            ys[i] = drop || data.labels()[idx[i]] < 0 ? unet.config().numClasses() : data.labels()[idx[i]];
        }
        for (int i = 0; i < x0.length; i++) {
            x0[i] = 2f * x0[i] - 1f;
        }
        var c = unet.config();
        Shape shape = new Shape(b, c.channels(), c.imageSize(), c.imageSize());
        try (NDManager sm = manager.newSubManager()) {
            double loss = 0;
            Map<String, NDArray> grads;
            double scale = 1.0;
            if (b == 0) {
                grads = privacy.clippedSum(params, 0, null, sm).grads();
            } else {
                NDArray eps = Noise.gaussian(sm, shape, rng);
                Shape col = new Shape(b, 1, 1, 1);
                // x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, per sample
                NDArray xt = sm.create(x0, shape).mul(sm.create(sa, col)).add(eps.mul(sm.create(sb, col)));
                NDArray t = sm.create(ts);
                NDArray y = c.numClasses() > 0 ? sm.create(ys) : null;
                if (dp == null) {
                    try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
                        NDArray l = unet.forward(params, xt, t, y).sub(eps).square().mean();
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    if (!Double.isFinite(loss) && !stepThroughNonFinite) {
                        return loss;
                    }
                    grads = params.gradients(sm);
                    double norm = globalNorm(grads, sm);
                    scale = config.gradClip() > 0 && norm > config.gradClip() ? config.gradClip() / norm : 1.0;
                } else {
                    // Σ_i L_i per micro-batch, so that each per-sample gradient is ∂L_i/∂θ
                    DpSgdRun.ClippedSum sum = privacy.clippedSum(params, b, (from, to, taped, mm) -> {
                        String r = from + ":" + to;
                        NDArray xm = xt.get(r);
                        xm.attach(mm);
                        NDArray em = eps.get(r);
                        em.attach(mm);
                        NDArray tm = t.get(r);
                        tm.attach(mm);
                        NDArray ym = y == null ? null : y.get(r);
                        if (ym != null) {
                            ym.attach(mm);
                        }
                        return Scalar.div(unet.forward(taped, xm, tm, ym).sub(em).square().sum(), (float) d);
                    }, sm);
                    grads = sum.grads();
                    loss = sum.lossSum() / b;
                    if (!Double.isFinite(loss) && !stepThroughNonFinite) {
                        return loss;
                    }
                }
            }
            if (privacy != null) {
                privacy.privatize(grads, seeds, s);
            }
            try (GradMode g = GradMode.enabled(false)) {
                adam.step(params, grads, config.learningRateAt(s), scale);
                ema.updateEma(params, config.emaDecay(), sm);
            }
            if (dp == null) {
                params.zeroGradients();
            }
            return loss;
        }
    }

    private static double globalNorm(Map<String, NDArray> grads, NDManager sm) {
        NDArray sq = sm.zeros(new Shape());
        for (NDArray g : grads.values()) {
            sq = sq.add(g.square().sum());
        }
        return Math.sqrt(sq.getFloat());
    }

    /** The step of the newest checkpoint in a run directory, or 0. */
    public static long checkpointStep(Path runDir) {
        return Checkpoints.step(runDir);
    }

}
