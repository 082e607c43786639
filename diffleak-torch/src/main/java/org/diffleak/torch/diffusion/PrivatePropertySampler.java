package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;

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
    private final ClassifierGuidance.Mode mode;

    /** Guidance from the noisy image x_t ({@link ClassifierGuidance.Mode#NOISY}). */
    public PrivatePropertySampler(NoisyClassifier classifier, double targetShare, double scale) {
        this(classifier, targetShare, scale, ClassifierGuidance.Mode.NOISY);
    }

    /**
     * @param classifier p(property | x_t, t), class 1 = has the property
     * @param targetShare p*, the share of released samples with the property
     * @param scale guidance scale s ≥ 0
     * @param mode whether the classifier judges x_t or the predicted x̂₀
     */
    public PrivatePropertySampler(NoisyClassifier classifier, double targetShare, double scale,
            ClassifierGuidance.Mode mode) {
        if (!(targetShare >= 0 && targetShare <= 1)) {
            throw new IllegalArgumentException("target share p* must be in [0, 1], got " + targetShare);
        }
        if (!(scale >= 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("guidance scale must be a finite number ≥ 0, got " + scale);
        }
        this.classifier = classifier;
        this.targetShare = targetShare;
        this.scale = scale;
        this.mode = mode;
    }

    /**
     * A checked release and what it cost.
     *
     * @param samples x₀ [n, C, H, W] in the [−1, 1] data scale
     * @param accepted samples whose check agrees with their assigned value
     * @param draws reverse runs made in all
     */
    public record Checked(NDArray samples, int accepted, int draws) {}

    /**
     * Guided sampling with redraws: every slot whose finished sample fails the owner's check (a classifier
     * other than the guide, so samples that only fool the guide are caught) is drawn again from fresh noise,
     * up to maxAttempts draws per slot; a slot that never passes keeps its last draw. The noise of slot i at
     * attempt a comes from seeds.child(a).child(i) alone, so the release replays exactly per seed.
     *
     * @param shape [n, C, H, W] of the release
     * @param batch slots per reverse run
     */
    public Checked sampleChecked(Denoiser denoiser, Sampler sampler, NDManager manager, Shape shape,
            boolean[] targets, Seeds seeds, PropertyCheck check, int maxAttempts, int batch,
            ProgressListener progress) {
        int n = Math.toIntExact(shape.get(0));
        if (targets.length != n) {
            throw new IllegalArgumentException(targets.length + " target values for " + n + " samples");
        }
        if (maxAttempts < 1 || batch < 1) {
            throw new IllegalArgumentException("attempts and batch must be ≥ 1");
        }
        Shape one = new Shape(1, shape.get(1), shape.get(2), shape.get(3));
        int d = Math.toIntExact(one.size());
        float[] out = new float[n * d];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pending.add(i);
        }
        int draws = 0;
        progress.start("private sampling", n);
        for (int a = 0; a < maxAttempts && !pending.isEmpty(); a++) {
            List<Integer> failed = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += batch) {
                List<Integer> slots = pending.subList(from, Math.min(from + batch, pending.size()));
                try (NDManager bm = manager.newSubManager()) {
                    float[] noise = new float[slots.size() * d];
                    boolean[] y = new boolean[slots.size()];
                    for (int k = 0; k < slots.size(); k++) {
                        float[] z = new float[d];
                        Seeds.gaussian(seeds.child(a).child(slots.get(k)).random(), z);
                        System.arraycopy(z, 0, noise, k * d, d);
                        y[k] = targets[slots.get(k)];
                    }
                    NDArray xT = bm.create(noise, new Shape(slots.size(), shape.get(1), shape.get(2), shape.get(3)));
                    SplittableRandom rng = seeds.child(a).child("sampler").child(slots.get(0)).random();
                    NDArray x0 = sample(denoiser, sampler, xT, y, rng, ProgressListener.NONE);
                    boolean[] ok = check.has(x0);
                    float[] px = x0.toFloatArray();
                    for (int k = 0; k < slots.size(); k++) {
                        System.arraycopy(px, k * d, out, slots.get(k) * d, d);
                        if (ok[k] != y[k]) {
                            failed.add(slots.get(k));
                        }
                    }
                    draws += slots.size();
                }
                progress.update(Math.min(from + batch, pending.size()), "attempt " + (a + 1));
            }
            pending = failed;
        }
        progress.finish(String.format(Locale.ROOT, "%d of %d samples pass the check after %d draws",
                n - pending.size(), n, draws));
        return new Checked(manager.create(out, shape), n - pending.size(), draws);
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
                    eps = ClassifierGuidance.guide(mode, classifier, denoiser.schedule(), x, eps, ts[i], step.create(y),
                            scale);
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
