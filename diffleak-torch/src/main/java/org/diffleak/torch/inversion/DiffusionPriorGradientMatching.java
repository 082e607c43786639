package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.inversion.Adam;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.StepResult;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/**
 * Gradient matching with a diffusion prior: one representative image x̂ = G(z) of the user, G the
 * deterministic DDIM chain (η = 0) of S steps t_0 &gt; … &gt; t_{S−1}, minimising the
 * {@link GradientMatchingLoss} R(G(z)). Time schedule with a sliding window of W steps that receive
 * gradient: stage k = 0 … S−W optimises the latent x_{t_k} (stage 0: the starting noise z = x_{t_0}),
 * matching the x̂₀ predicted at the window's last step k+W−1, which depends on x_{t_k} through W
 * differentiable denoiser calls; then one plain DDIM step carries the optimised x_{t_k} to x_{t_{k+1}}, the
 * next stage's start. Each stage moves the latent at most ρ·√(1−ᾱ_{t_k})·√d (L2) from where it started, so
 * it stays a plausible sample of its noise level; z itself stays on the sphere ‖z‖ = √d. R seeded restarts
 * each run the whole schedule from their own z; the image of lowest final loss is kept (the final loss
 * predicts how close the image is to its user far better than the loss after stage 0). The denoiser and the
 * classifier are passed in, never owned.
 */
public final class DiffusionPriorGradientMatching {

    /**
     * @param ddimSteps S
     * @param window W, steps per stage that receive gradient (1 ≤ W ≤ S)
     * @param firstStageIterations Adam steps on z per restart
     * @param stageIterations Adam steps on each later latent
     * @param learningRate Adam step size on the latents
     * @param radius ρ, the largest move of a later stage's latent in units of its noise scale
     * @param tvWeight λ_TV
     * @param restarts R
     */
    public record Settings(int ddimSteps, int window, int firstStageIterations, int stageIterations,
            double learningRate, double radius, double tvWeight, int restarts) {

        public Settings {
            if (ddimSteps < 1 || window < 1 || window > ddimSteps) {
                throw new IllegalArgumentException("need 1 ≤ window ≤ DDIM steps, got window " + window + " of "
                        + ddimSteps);
            }
            if (firstStageIterations < 1 || stageIterations < 0 || restarts < 1) {
                throw new IllegalArgumentException("iterations and restarts must be ≥ 1");
            }
            if (!(learningRate > 0) || !(radius >= 0)) {
                throw new IllegalArgumentException("learning rate must be > 0 and radius ≥ 0");
            }
        }
    }

    /** The representative image [C·H·W] in [0, 1] and its final gradient-matching loss. */
    public record Result(float[] image, double loss) {}

    private final Settings settings;

    public DiffusionPriorGradientMatching(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param target the representative image's target distribution (e.g. the dominant inferred label)
     */
    public Result invert(Denoiser denoiser, CnnClassifier net, Params params, Map<String, NDArray> observed,
            float[] target, Seeds seeds, ProgressListener progress) {
        GradientMatchingLoss objective = new GradientMatchingLoss(net, params, observed, settings.tvWeight());
        DdimSampler ddim = DdimSampler.of(denoiser.schedule(), settings.ddimSteps(), 0, true);
        int[] ts = ddim.timesteps();
        int c = denoiser.channels();
        int s = denoiser.imageSize();
        Shape shape = new Shape(1, c, s, s);
        int d = (int) shape.size();
        int stages = settings.ddimSteps() - settings.window() + 1;
        long total = (long) settings.restarts() * (settings.firstStageIterations()
                + (long) (stages - 1) * settings.stageIterations());
        progress.start("diffusion-prior gradient matching", total);
        long done = 0;
        float[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int r = 0; r < settings.restarts(); r++) {
            float[] z = new float[d];
            Seeds.gaussian(seeds.child("z").child(r).random(), z);
            projectToSphere(z, Math.sqrt(d));
            Adam adam = new Adam(d);
            double loss = Double.NaN;
            for (int i = 0; i < settings.firstStageIterations(); i++) {
                loss = iterate(denoiser, ddim, objective, z, 0, target, shape, adam, params);
                projectToSphere(z, Math.sqrt(d));
                progress.update(++done, String.format("restart %d, stage 0, loss %.4f", r, loss));
            }
            float[] latent = z;
            for (int k = 1; k < stages; k++) {
                latent = plainStep(denoiser, ddim, latent, k - 1, shape, params);
                float[] start = latent.clone();
                double maxMove = settings.radius() * Math.sqrt(1 - denoiser.schedule().alphaBar(ts[k])) * Math.sqrt(d);
                Adam stageAdam = new Adam(d);
                for (int i = 0; i < settings.stageIterations(); i++) {
                    loss = iterate(denoiser, ddim, objective, latent, k, target, shape, stageAdam, params);
                    projectToBall(latent, start, maxMove);
                    progress.update(++done, String.format("restart %d, stage %d, loss %.4f", r, k, loss));
                }
            }
            float[] x = latent;
            for (int k = stages - 1; k < settings.ddimSteps(); k++) {
                x = plainStep(denoiser, ddim, x, k, shape, params);
            }
            if (loss < bestLoss) {
                bestLoss = loss;
                best = x;
            }
        }
        progress.finish(String.format("diffusion-prior gradient matching loss %.4f", bestLoss));
        return new Result(GradientMatching.toPixels(clamp(best)), bestLoss);
    }

    /** One Adam step on the latent at chain position k through the window's W denoiser calls. */
    private double iterate(Denoiser denoiser, DdimSampler ddim, GradientMatchingLoss objective, float[] latent,
            int k, float[] target, Shape shape, Adam adam, Params params) {
        try (NDManager m = params.manager().newSubManager()) {
            NDArray leaf = m.create(latent, shape);
            leaf.setRequiresGradient(true);
            NDArray x0;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                x0 = window(denoiser, ddim, leaf, k, m);
            }
            double loss = objective.backward(x0, m.create(target, new Shape(1, target.length)), m);
            adam.step(latent, leaf.getGradient().toFloatArray(), settings.learningRate());
            return loss;
        }
    }

    /** x̂₀ predicted at step k+W−1, from x_{t_k} through W DDIM steps (recorded when grad mode is on). */
    private NDArray window(Denoiser denoiser, DdimSampler ddim, NDArray xk, int k, NDManager m) {
        int[] ts = ddim.timesteps();
        NDArray x = xk;
        NDArray x0 = null;
        SplittableRandom unused = new SplittableRandom(0);
        for (int i = k; i < k + settings.window(); i++) {
            NDArray eps = denoiser.predictNoise(x, m.full(new Shape(1), ts[i], DataType.INT64), null);
            StepResult step = ddim.step(eps, i, x, unused);
            x = step.prevSample();
            x0 = step.predX0();
        }
        return x0;
    }

    /** x_{t_{k+1}} from x_{t_k} by one DDIM step, without gradient. */
    private static float[] plainStep(Denoiser denoiser, DdimSampler ddim, float[] xk, int k, Shape shape,
            Params params) {
        try (NDManager m = params.manager().newSubManager()) {
            NDArray x = m.create(xk, shape);
            NDArray eps = denoiser.predictNoise(x, m.full(new Shape(1), ddim.timesteps()[k], DataType.INT64), null);
            return ddim.step(eps, k, x, new SplittableRandom(0)).prevSample().toFloatArray();
        }
    }

    static void projectToSphere(float[] z, double radius) {
        double sq = 0;
        for (float v : z) {
            sq += (double) v * v;
        }
        double f = radius / Math.sqrt(sq);
        for (int i = 0; i < z.length; i++) {
            z[i] *= (float) f;
        }
    }

    static void projectToBall(float[] x, float[] centre, double radius) {
        double sq = 0;
        for (int i = 0; i < x.length; i++) {
            double dv = x[i] - centre[i];
            sq += dv * dv;
        }
        if (sq > radius * radius) {
            double f = radius / Math.sqrt(sq);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (centre[i] + (x[i] - centre[i]) * f);
            }
        }
    }

    private static float[] clamp(float[] x) {
        float[] c = x.clone();
        GradientMatching.clampToBox(c);
        return c;
    }
}
