package org.diffleak.torch.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.diffleak.core.reconstruction.ImportanceWeightedPosterior;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.DdpmSampler;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.ForwardProcess;
import org.diffleak.torch.diffusion.Sampler;
import org.diffleak.torch.engine.Scalar;

/**
 * Reconstruction from a noisy DP observation with a diffusion model as the image prior. The observation
 * y = x + σ_eff ε (data scale [−1, 1]) is, once scaled by √ᾱ_t, exactly a forward-process sample x_t whenever
 * the model's noise-to-signal ratio √(1−ᾱ_t)/√ᾱ_t equals σ_eff. So: t* is the first step whose ratio reaches
 * σ_eff, x_t* = √ᾱ_t* (y + √(r_t*² − σ_eff²) z) tops the noise up to exactly r_t* = √(1−ᾱ_t*)/√ᾱ_t*, and the
 * reverse process (DDIM with η, or DDPM) runs from t* to 0; K independent runs are samples of the model's
 * posterior p(x | y), whose per-pixel variance is reported. The reported mean estimates the posterior mean
 * E[x₀ | y] with less spread than the average of the K samples (whose squared error exceeds the MMSE by the
 * posterior variance / K): along each run, x_t ~ p(x_t | y), so by the tower rule the average over the runs
 * of Tweedie's x̂₀ = E[x₀ | x_t] = (x_t − √(1−ᾱ_t) ε_θ(x_t, t))/√ᾱ_t is an unbiased estimate of E[x₀ | y] at
 * every step t, and it has less Monte Carlo spread the larger t is. A learned ε_θ, however, is least accurate
 * in x̂₀ at large t (its error is multiplied by 1/√ᾱ_t), so the mean is taken at the first step whose
 * noise-to-signal ratio r_t is at most `meanRatio` (∞: at t*, exact for an exact denoiser; 0: the K samples).
 * <p>
 * Where y says little (small ε, t* near T) K runs are K prior samples and their mean is a poor estimate of a
 * posterior mean that is nearly the prior mean. Given a bank of M prior samples generated once by the same model
 * ({@link #priorBank}), the {@link ImportanceWeightedPosterior} mean estimates the same E[x₀ | y] with ESS
 * effective samples; the two unbiased estimates are combined by inverse-variance weights,
 * x̂ = (ESS · x̂_IS + K · x̂_runs) / (ESS + K), so the bank dominates at small ε and the runs at large ε.
 * <p>
 * Where σ_eff is beyond the schedule's last ratio the observation carries less than the model's own start,
 * and the runs start from N(0, I) at T−1. With σ_eff = 0 there is nothing to remove and y is returned.
 * <p>
 * Optional data consistency (weight λ in [0, 1]): at each step the prediction x̂₀, whose error has variance
 * about r_t², is pulled towards y by the precision weight λ · r_t² / (r_t² + σ_eff²), and the step continues
 * from the corrected x̂₀ (ε̂ recomputed as (x_t − √ᾱ_t x̂₀)/√(1−ᾱ_t)).
 */
public final class DiffusionPriorReconstruction {

    /** The reverse process. */
    public enum Process { DDIM, DDPM }

    /**
     * @param steps DDIM steps over [0, T−1] (fewer when t* is small); ignored by DDPM, which visits every step
     * @param eta DDIM η (1 = ancestral noise, so that the K runs differ beyond the start)
     * @param samples K runs per image
     * @param consistency λ of the data-consistency pull, 0 for none
     * @param batch rows per forward pass
     * @param meanRatio the posterior mean is the runs' average x̂₀ at the first step with r_t ≤ meanRatio
     */
    public record Settings(Process process, int steps, double eta, int samples, double consistency, int batch,
            double meanRatio) {

        public Settings {
            if (steps < 1 || samples < 1 || batch < 1) {
                throw new IllegalArgumentException("steps, samples and batch must be ≥ 1, got " + steps + ", "
                        + samples + ", " + batch);
            }
            if (!(eta >= 0)) {
                throw new IllegalArgumentException("η must be ≥ 0, got " + eta);
            }
            if (!(consistency >= 0 && consistency <= 1)) {
                throw new IllegalArgumentException("data-consistency weight must be in [0, 1], got " + consistency);
            }
            if (!(meanRatio >= 0)) {
                throw new IllegalArgumentException("the mean's noise-to-signal ratio must be ≥ 0, got " + meanRatio);
            }
        }
    }

    /**
     * Per image: the posterior-mean estimate, the per-pixel variance of the K runs, the K runs themselves
     * ([n, K, dim]), t*, all in the data scale, and the prior bank's effective sample size (0 without a bank).
     */
    public record Result(float[] mean, float[] variance, float[] samples, int[] startStep, double[] effectiveSamples) {}

    private final Settings settings;

    public DiffusionPriorReconstruction(Settings settings) {
        this.settings = settings;
    }

    /** t*: the first step whose noise-to-signal ratio reaches σ_eff, or T−1 when none does (−1 for σ_eff = 0). */
    public static int startStep(NoiseSchedule s, double noiseStd) {
        if (noiseStd == 0) {
            return -1;
        }
        for (int t = 0; t < s.steps(); t++) {
            if (s.noiseToSignal(t) >= noiseStd) {
                return t;
            }
        }
        return s.steps() - 1;
    }

    /**
     * M samples of the model's prior p(x₀) ([M, dim], data scale): DDIM with these settings' steps and η from
     * N(0, I) at T−1, K = 1; the same seeds give the same bank.
     */
    public float[] priorBank(Denoiser denoiser, int size, Seeds seeds, NDManager manager, ProgressListener progress) {
        if (size < 1) {
            throw new IllegalArgumentException("prior bank size must be ≥ 1, got " + size);
        }
        int dim = denoiser.channels() * denoiser.imageSize() * denoiser.imageSize();
        double[] beyondSchedule = new double[size];
        Arrays.fill(beyondSchedule, Double.MAX_VALUE);
        Settings one = new Settings(Process.DDIM, settings.steps(), settings.eta(), 1, 0, settings.batch(), 0);
        return new DiffusionPriorReconstruction(one).reconstruct(denoiser, new float[size * dim], beyondSchedule, null,
                seeds, manager, progress).samples();
    }

    /**
     * @param observations n observations y, `C·H·W` values each, in the data scale [−1, 1]
     * @param noiseStd σ_eff of each observation in the data scale
     * @param bank prior samples from {@link #priorBank} for the importance-weighted part of the mean, or null
     * @param seeds the start noise of image i comes from seeds.child(i), the ancestral noise of a batch from its
     *     first image's child: the same seed and batch size give the same result
     */
    public Result reconstruct(Denoiser denoiser, float[] observations, double[] noiseStd, float[] bank, Seeds seeds,
            NDManager manager, ProgressListener progress) {
        int n = noiseStd.length;
        int c = denoiser.channels();
        int size = denoiser.imageSize();
        int dim = c * size * size;
        if (observations.length != n * dim) {
            throw new IllegalArgumentException("expected " + n + " observations of " + dim + " values for this model, got "
                    + observations.length + " values");
        }
        int k = settings.samples();
        NoiseSchedule s = denoiser.schedule();
        float[] samples = new float[n * k * dim];
        float[] meanX0 = new float[n * k * dim];
        int[] start = new int[n];
        TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            if (!(noiseStd[i] >= 0) || Double.isInfinite(noiseStd[i])) {
                throw new IllegalArgumentException("noise std must be finite and ≥ 0, got " + noiseStd[i]);
            }
            start[i] = startStep(s, noiseStd[i]);
            groups.computeIfAbsent(start[i], t -> new ArrayList<>()).add(i);
        }
        int perBatch = Math.max(1, settings.batch() / k);
        long total = 0;
        for (var g : groups.entrySet()) {
            if (g.getKey() >= 0) {
                total += (long) ((g.getValue().size() + perBatch - 1) / perBatch) * sampler(s, g.getKey()).timesteps().length;
            }
        }
        progress.start("diffusion-prior reconstruction", total);
        long done = 0;
        for (var g : groups.entrySet()) {
            int tStar = g.getKey();
            List<Integer> images = g.getValue();
            for (int from = 0; from < images.size(); from += perBatch) {
                List<Integer> chunk = images.subList(from, Math.min(images.size(), from + perBatch));
                if (tStar < 0) {
                    for (int i : chunk) {
                        for (int r = 0; r < k; r++) {
                            System.arraycopy(observations, i * dim, samples, (i * k + r) * dim, dim);
                            System.arraycopy(observations, i * dim, meanX0, (i * k + r) * dim, dim);
                        }
                    }
                    continue;
                }
                done = runChunk(denoiser, observations, noiseStd, seeds, manager, chunk, tStar, samples, meanX0, progress,
                        done);
            }
        }
        progress.finish("reconstructed " + n + " images, " + k + " runs each");
        float[] mean = new float[n * dim];
        float[] var = new float[n * dim];
        double[] ess = new double[n];
        ImportanceWeightedPosterior posterior = bank == null ? null : new ImportanceWeightedPosterior(bank, dim);
        for (int i = 0; i < n; i++) {
            float[] weighted = null;
            if (posterior != null && noiseStd[i] > 0) {
                var e = posterior.estimate(observations, i * dim, noiseStd[i]);
                weighted = e.mean();
                ess[i] = e.effectiveSamples();
            }
            for (int j = 0; j < dim; j++) {
                double sum = 0;
                double sq = 0;
                double tweedie = 0;
                for (int r = 0; r < k; r++) {
                    double v = samples[(i * k + r) * dim + j];
                    sum += v;
                    sq += v * v;
                    tweedie += meanX0[(i * k + r) * dim + j];
                }
                double m = sum / k;
                double runs = tweedie / k;
                mean[i * dim + j] = (float) (weighted == null ? runs : (ess[i] * weighted[j] + k * runs) / (ess[i] + k));
                var[i * dim + j] = (float) Math.max(0, sq / k - m * m);
            }
        }
        return new Result(mean, var, samples, start, ess);
    }

    private Sampler sampler(NoiseSchedule s, int tStar) {
        return settings.process() == Process.DDPM ? new DdpmSampler(s, tStar, true)
                : DdimSampler.startingAt(s, tStar, Math.min(settings.steps(), tStar + 1), settings.eta(), true);
    }

    private long runChunk(Denoiser denoiser, float[] observations, double[] noiseStd, Seeds seeds, NDManager manager,
            List<Integer> chunk, int tStar, float[] samples, float[] meanX0, ProgressListener progress, long done) {
        NoiseSchedule s = denoiser.schedule();
        int k = settings.samples();
        int c = denoiser.channels();
        int size = denoiser.imageSize();
        int dim = c * size * size;
        int rows = chunk.size() * k;
        float[] y = new float[rows * dim];
        float[] x = new float[rows * dim];
        float[] obsVar = new float[rows];
        float[] z = new float[dim];
        double r = s.noiseToSignal(tStar);
        SplittableRandom[] rngs = new SplittableRandom[chunk.size()];
        for (int a = 0; a < chunk.size(); a++) {
            int i = chunk.get(a);
            rngs[a] = seeds.child(i).random();
            double sd = noiseStd[i];
            boolean beyond = r < sd;
            // x_t* = √ᾱ_t* (y + √(r² − σ_eff²) z), or N(0, I) beyond the schedule
            double top = beyond ? 0 : Math.sqrt(Math.max(0, r * r - sd * sd));
            for (int q = 0; q < k; q++) {
                int row = a * k + q;
                System.arraycopy(observations, i * dim, y, row * dim, dim);
                Seeds.gaussian(rngs[a], z);
                for (int j = 0; j < dim; j++) {
                    x[row * dim + j] = beyond ? z[j]
                            : (float) (s.sqrtAlphaBar(tStar) * (observations[i * dim + j] + top * z[j]));
                }
                obsVar[row] = (float) (sd * sd);
            }
        }
        Sampler sampler = sampler(s, tStar);
        int[] ts = sampler.timesteps();
        // one generator for the chunk's ancestral noise, derived from its first image's seed tree
        SplittableRandom stepRng = seeds.child(chunk.get(0)).child("steps").random();
        Shape shape = new Shape(rows, c, size, size);
        boolean taken = false;
        try (NDManager m = manager.newSubManager()) {
            NDArray xt = m.create(x, shape);
            NDArray obs = m.create(y, shape);
            for (int i = 0; i < ts.length; i++) {
                try (NDManager step = m.newSubManager()) {
                    xt.attach(step);
                    NDArray t = step.full(new Shape(rows), ts[i], DataType.INT64);
                    NDArray eps = denoiser.predictNoise(xt, t, null);
                    if (settings.consistency() > 0) {
                        eps = consistent(s, xt, eps, ts[i], obs, step.create(gains(s, ts[i], obsVar),
                                new Shape(rows, 1, 1, 1)));
                    }
                    var result = sampler.step(eps, i, xt, stepRng);
                    if (!taken && s.noiseToSignal(ts[i]) <= settings.meanRatio()) {
                        copyRows(result.predX0().toFloatArray(), chunk, k * dim, meanX0);
                        taken = true;
                    }
                    NDArray next = result.prevSample();
                    next.attach(m);
                    xt = next;
                }
                progress.update(++done, "t*=" + tStar + ", t=" + ts[i]);
            }
            float[] out = xt.toFloatArray();
            copyRows(out, chunk, k * dim, samples);
            if (!taken) {
                copyRows(out, chunk, k * dim, meanX0);
            }
        }
        return done;
    }

    /** Block a of `chunkValues` (the K runs of chunk image a) into image chunk.get(a)'s block of `all`. */
    private static void copyRows(float[] chunkValues, List<Integer> chunk, int block, float[] all) {
        for (int a = 0; a < chunk.size(); a++) {
            System.arraycopy(chunkValues, a * block, all, chunk.get(a) * block, block);
        }
    }

    /** λ r_t²/(r_t² + σ_eff²) per row. */
    private float[] gains(NoiseSchedule s, int t, float[] obsVar) {
        double r2 = s.noiseToSignal(t) * s.noiseToSignal(t);
        float[] g = new float[obsVar.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (settings.consistency() * r2 / (r2 + obsVar[i]));
        }
        return g;
    }

    /** ε̂ for x̂₀′ = x̂₀ + gain · (y − x̂₀): the data-consistency pull; every result stays in x_t's manager. */
    private static NDArray consistent(NoiseSchedule s, NDArray xt, NDArray eps, int t, NDArray y, NDArray gain) {
        NDArray x0 = ForwardProcess.predictX0(s, xt, eps, t);
        NDArray corrected = x0.sub(x0.sub(y).mul(gain));
        return Scalar.div(xt.sub(Scalar.mul(corrected, s.sqrtAlphaBar(t))), s.sqrtOneMinusAlphaBar(t));
    }
}
