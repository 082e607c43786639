package org.diffleak.torch.reconstruction;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.diffleak.core.membership.blackbox.ImageEncoder;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.metrics.ImageSimilarity;
import org.diffleak.core.privacy.NoiseCalibration;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.reconstruction.GaussianImageRelease;
import org.diffleak.core.reconstruction.LinearLayerGradientRelease;
import org.diffleak.core.reconstruction.NaiveReconstruction;
import org.diffleak.core.reconstruction.Observation;
import org.diffleak.core.reconstruction.PixelStatistics;
import org.diffleak.core.reconstruction.PriorBaseline;
import org.diffleak.core.reconstruction.PriorFreeBound;
import org.diffleak.core.reconstruction.ReRoBound;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.reconstruction.ReconstructionResults.ImageMetrics;
import org.diffleak.core.reconstruction.ReconstructionResults.Level;
import org.diffleak.core.reconstruction.WienerReconstruction;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Denoiser;

/**
 * The reconstruction audit: for each ε, σ from the RDP accountant for (ε, δ, q, T), one DP release of each
 * target (the Gaussian mechanism on the image, or a DP-SGD first-layer gradient), then the naive, Wiener and
 * diffusion-prior reconstructions scored by MSE, PSNR, SSIM and encoder distance, beside the ReRo bound
 * (κ from the auxiliary data) and the prior-free bound. The Wiener prior and κ use the auxiliary images; the
 * diffusion prior is the given model. Images are handled in the [−1, 1] data scale, scored in [0, 1].
 */
public final class ReconstructionExperiment {

    /** The two releases of the threat model. */
    public enum Mechanism { IMAGE, GRADIENT }

    /**
     * @param clipNorm C in the data scale: the image's L2 norm bound, or the per-example gradient's
     * @param hidden width of the first linear layer (gradient mechanism)
     * @param eta success threshold on MSE in the pixel scale
     * @param reroSamples Monte Carlo samples of the ReRo bound (raised to 400/κ when κ is small)
     * @param panelImages images shown per ε
     * @param priorBank prior samples generated once for the diffusion mean's importance-weighted part, 0 for none
     */
    public record Settings(Mechanism mechanism, double[] epsilons, double delta, double sampleRate, long steps,
            double clipNorm, int hidden, double eta, int reroSamples, int panelImages,
            DiffusionPriorReconstruction.Settings diffusion, int priorBank, long seed) {}

    public static final List<String> ATTACKS = List.of("naive", "wiener", "diffusion");

    private final Settings s;

    public ReconstructionExperiment(Settings settings) {
        this.s = settings;
    }

    public ReconstructionResults run(Denoiser denoiser, ImageDataset targets, ImageDataset auxiliary,
            ImageEncoder encoder, NDManager manager, Function<String, ProgressListener> progress) {
        long t0 = System.nanoTime();
        int c = denoiser.channels();
        int size = denoiser.imageSize();
        targets.requireShape(c, size);
        auxiliary.requireShape(c, size);
        int dim = c * size * size;
        int n = targets.size();
        float[] x = toData(targets.pixels());
        PixelStatistics stats = PixelStatistics.of(toData(auxiliary.pixels()), auxiliary.size(), dim);
        WienerReconstruction wiener = new WienerReconstruction(stats);
        Seeds seeds = Seeds.of(s.seed());
        PriorBaseline.Kappa kappa = PriorBaseline.estimate(auxiliary.pixels(), auxiliary.size(), targets.pixels(), n,
                dim, s.eta(), seeds.child("kappa").random());
        float[][] originalFeatures = encoder.encode(targets.pixels(), n);
        DiffusionPriorReconstruction diffusion = new DiffusionPriorReconstruction(s.diffusion());
        float[] bank = s.priorBank() == 0 ? null : diffusion.priorBank(denoiser, s.priorBank(),
                seeds.child("prior-bank"), manager, progress.apply("prior bank"));
        LinearLayerGradientRelease model = null;
        List<Level> levels = new ArrayList<>();
        for (int e = 0; e < s.epsilons().length; e++) {
            double eps = s.epsilons()[e];
            double sigma = Double.isInfinite(eps) ? 0 : NoiseCalibration.calibrate(RdpAccountant::new, eps, s.delta(),
                    s.sampleRate(), s.steps(), 1e-3 * eps).noiseMultiplier();
            if (s.mechanism() == Mechanism.GRADIENT) {
                model = new LinearLayerGradientRelease(dim, s.hidden(), Math.max(2, targets.numClasses()), s.clipNorm(),
                        sigma, seeds.child("first-layer").random());
            }
            float[] y = new float[n * dim];
            double[] noise = new double[n];
            float[] one = new float[dim];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, i * dim, one, 0, dim);
                var rng = seeds.child("release").child(e).child(i).random();
                Observation o = s.mechanism() == Mechanism.IMAGE
                        ? new GaussianImageRelease(s.clipNorm(), sigma).release(one, rng)
                        : model.extract(model.release(one, targets.labels()[i], rng));
                System.arraycopy(o.y(), 0, y, i * dim, dim);
                noise[i] = o.noiseStd();
            }
            float[] naive = new float[n * dim];
            float[] lmmse = new float[n * dim];
            for (int i = 0; i < n; i++) {
                Observation o = new Observation(Arrays.copyOfRange(y, i * dim, (i + 1) * dim), noise[i]);
                System.arraycopy(NaiveReconstruction.reconstruct(o), 0, naive, i * dim, dim);
                System.arraycopy(wiener.reconstruct(o), 0, lmmse, i * dim, dim);
            }
            long td = System.nanoTime();
            DiffusionPriorReconstruction.Result diff = diffusion.reconstruct(denoiser, y, noise, bank,
                    seeds.child("diffusion").child(e), manager, progress.apply("ε = " + eps));
            levels.add(level(eps, sigma, noise, targets, x, y, List.of(naive, lmmse, diff.mean()), diff, kappa,
                    encoder, originalFeatures, seeds.child("rero").child(e), (System.nanoTime() - td) / 1e9));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("mechanism", s.mechanism().name().toLowerCase(Locale.ROOT));
        settings.put("mechanism_description", s.mechanism() == Mechanism.IMAGE
                ? "Gaussian mechanism on each target image: x (data scale [−1, 1]) clipped to L2 norm C = " + s.clipNorm()
                        + " and released as x + N(0, σ²C²I), σ from the RDP accountant for (ε, δ = " + s.delta()
                        + ", q = " + s.sampleRate() + ", T = " + s.steps() + ")."
                : "DP-SGD gradient of a first linear layer (" + s.hidden() + " units, ReLU, linear read-out), batch of"
                        + " one, clipped to C = " + s.clipNorm() + " with N(0, σ²C²) noise, σ from the RDP accountant"
                        + " for (ε, δ = " + s.delta() + ", q = " + s.sampleRate() + ", T = " + s.steps()
                        + "); the input is extracted as Σ b̂_i Ŵ_i / D.");
        settings.put("images", n);
        settings.put("auxiliary_images", auxiliary.size());
        settings.put("delta", s.delta());
        settings.put("sample_rate", s.sampleRate());
        settings.put("steps", s.steps());
        settings.put("clip_norm_data_scale", s.clipNorm());
        settings.put("diffusion", s.diffusion());
        settings.put("prior_bank", s.priorBank());
        settings.put("seed", s.seed());
        return new ReconstructionResults(settings, kappa, s.eta(), ATTACKS, c, size, size, levels,
                (System.nanoTime() - t0) / 1e9);
    }

    private Level level(double eps, double sigma, double[] noise, ImageDataset targets, float[] x, float[] y,
            List<float[]> recons, DiffusionPriorReconstruction.Result diff, PriorBaseline.Kappa kappa,
            ImageEncoder encoder, float[][] originalFeatures, Seeds reroSeeds, double diffusionSeconds) {
        int n = targets.size();
        int c = targets.channels();
        int h = targets.height();
        int dim = c * h * targets.width();
        float[] original = targets.pixels();
        List<List<ImageMetrics>> metrics = new ArrayList<>();
        List<float[]> errorMaps = new ArrayList<>();
        List<float[]> pixelRecons = new ArrayList<>();
        for (float[] rec : recons) {
            float[] p = toPixels(rec);
            pixelRecons.add(p);
            float[][] features = encoder.encode(p, n);
            float[] map = new float[dim];
            List<ImageMetrics> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] a = Arrays.copyOfRange(p, i * dim, (i + 1) * dim);
                float[] o = Arrays.copyOfRange(original, i * dim, (i + 1) * dim);
                for (int j = 0; j < dim; j++) {
                    map[j] += (a[j] - o[j]) * (a[j] - o[j]) / n;
                }
                double mse = ImageSimilarity.mse(a, o);
                rows.add(new ImageMetrics(i, mse, ImageSimilarity.psnr(a, o), ImageSimilarity.ssim(a, o, c, h, h),
                        distance(originalFeatures[i], features[i]), mse <= s.eta()));
            }
            metrics.add(rows);
            errorMaps.add(map);
        }
        float[] varMap = new float[dim];
        float[] pixelVar = new float[n * dim];
        for (int i = 0; i < n * dim; i++) {
            pixelVar[i] = diff.variance()[i] / 4;
            varMap[i % dim] += pixelVar[i] / n;
        }
        int m = Math.min(s.panelImages(), n);
        List<float[]> panels = new ArrayList<>();
        panels.add(Arrays.copyOf(original, m * dim));
        panels.add(Arrays.copyOf(toPixels(y), m * dim));
        for (float[] p : pixelRecons) {
            panels.add(Arrays.copyOf(p, m * dim));
        }
        panels.add(Arrays.copyOf(pixelVar, m * dim));
        float[] imageErr = new float[m * dim];
        float[] diffPixels = pixelRecons.get(pixelRecons.size() - 1);
        for (int i = 0; i < m * dim; i++) {
            imageErr[i] = (diffPixels[i] - original[i]) * (diffPixels[i] - original[i]);
        }
        double meanNoise = 0;
        for (double v : noise) {
            meanNoise += v / n;
        }
        boolean exact = sigma == 0;
        // at least 400/κ draws, so that 400 ratios lie above the (1−κ) quantile and τ is placed to about 5%
        int draws = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(s.reroSamples(), Math.ceil(400 / kappa.kappa())));
        ReRoBound.Estimate mc = exact ? null : ReRoBound.dpSgd(sigma, s.sampleRate(), s.steps(), kappa.kappa(), draws,
                reroSeeds.random());
        // without subsampling, T Gaussian releases of sensitivity 1 are exactly (√T/σ)-GDP; the Poisson CLT
        // μ = q√(T(e^{1/σ²} − 1)) is only an approximation there, and a loose one for small σ
        double mu = exact ? Double.POSITIVE_INFINITY
                : ReRoBound.mu(sigma, s.sampleRate(), s.steps());
        double gdp = exact ? 1 : ReRoBound.gdp(mu, kappa.kappa());
        return new Level(eps, sigma, meanNoise, mc, gdp, mu, PriorFreeBound.mse(meanNoise),
                PriorFreeBound.psnr(meanNoise), diff.startStep()[0], metrics, panels, m, errorMaps, varMap, imageErr,
                diffusionSeconds);
    }

    /** 1 − cosine of the encoder features; 1 when either vector is zero. */
    static double distance(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 1 : 1 - dot / Math.sqrt(aa * bb);
    }

    /** [0, 1] pixels → [−1, 1] data scale. */
    static float[] toData(float[] pixels) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 2 * pixels[i] - 1;
        }
        return out;
    }

    /** [−1, 1] data scale → [0, 1] pixels, clamped to the public pixel range. */
    static float[] toPixels(float[] data) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0f, Math.min(1f, (data[i] + 1) / 2));
        }
        return out;
    }
}
