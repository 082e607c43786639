package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.util.ProgressListener;

/**
 * The private sampler: a release whose property share is the owner's p*, whatever the training set's.
 * Each of the n samples is assigned a target value, exactly round(p*·n) of them positive in seeded
 * random order, and every reverse step is steered towards its target with classifier guidance from a
 * noise-aware property classifier ({@link ClassifierGuidance}): ε̂ = ε_θ(x_t, t) − s·√(1−ᾱ_t)·∇ log
 * p(y_i | x_t). Model-agnostic (any {@link Denoiser}, passed in, never owned; no retraining) and works
 * with DDPM and DDIM; with DDIM η = 0 the same seed gives the same images.
 */
public final class PrivatePropertySampler {

    private final NoisyClassifier classifier;
    private final double targetShare;
    private final double scale;

    /**
     * @param classifier p(property | x_t), class 1 = has the property
     * @param targetShare p*, the share of released samples with the property
     * @param scale guidance scale s ≥ 0
     */
    public PrivatePropertySampler(NoisyClassifier classifier, double targetShare, double scale) {
        if (!(targetShare >= 0 && targetShare <= 1)) {
            throw new IllegalArgumentException("target share p* must be in [0, 1], got " + targetShare);
        }
        if (!(scale >= 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("guidance scale must be a finite number ≥ 0, got " + scale);
        }
        this.classifier = classifier;
        this.targetShare = targetShare;
        this.scale = scale;
    }

    /** The assignment of n samples: exactly round(p*·n) true, shuffled by the generator. */
    public boolean[] assign(int n, SplittableRandom rng) {
        return ExactShareSubset.assignment(n, targetShare, rng);
    }

    /**
     * Runs the guided reverse process from xT (owned by the caller) and returns x₀ in xT's manager.
     *
     * @param targets each sample's assigned property value ({@link #assign})
     * @param rng the sampler's own draws (DDPM noise, DDIM with η &gt; 0)
     */
    public NDArray sample(Denoiser denoiser, Sampler sampler, NDArray xT, boolean[] targets, SplittableRandom rng,
            ProgressListener progress) {
        long n = xT.getShape().get(0);
        if (targets.length != n) {
            throw new IllegalArgumentException(targets.length + " target values for " + n + " samples");
        }
        NDManager outer = xT.getManager();
        long[] y = new long[targets.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = targets[i] ? 1 : 0;
        }
        int[] ts = sampler.timesteps();
        progress.start("private sampling", ts.length);
        NDArray x = xT.duplicate();
        for (int i = 0; i < ts.length; i++) {
            try (NDManager step = outer.newSubManager()) {
                x.attach(step);
                NDArray t = step.full(new Shape(n), ts[i], DataType.INT64);
                NDArray eps = denoiser.predictNoise(x, t, null);
                if (scale > 0) {
                    NDArray grad = ClassifierGuidance.logProbGradient(classifier, x, t, step.create(y));
                    eps = ClassifierGuidance.guidedNoise(denoiser.schedule(), eps, grad, ts[i], scale);
                }
                NDArray next = sampler.step(eps, i, x, rng).prevSample();
                next.attach(outer);
                x = next;
            }
            progress.update(i + 1, "t=" + ts[i]);
        }
        progress.finish("sampled " + n + " images towards share " + targetShare);
        return x;
    }
}
