package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.diffleak.core.inversion.Adam;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/**
 * Gradient matching without a prior (Inverting Gradients, Geiping et al. 2020): a dummy batch x̂ ~ N(0, I)
 * with fixed targets minimises {@link GradientMatchingLoss} by Adam, the learning rate divided by 10 at
 * 3/8, 5/8 and 7/8 of the iterations, x̂ projected onto the data box [−1, 1] after each step; of several
 * seeded restarts the one with the lowest final loss wins. The model is passed in, never owned; each
 * iteration runs in its own sub-manager, so memory stays flat.
 */
public final class GradientMatching {

    /**
     * @param iterations Adam steps per restart
     * @param learningRate initial Adam step size
     * @param tvWeight λ_TV of the total-variation term
     * @param restarts independent seeded starts
     */
    public record Settings(int iterations, double learningRate, double tvWeight, int restarts) {

        public Settings {
            if (iterations < 1 || restarts < 1) {
                throw new IllegalArgumentException("iterations and restarts must be ≥ 1");
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            }
        }
    }

    /**
     * @param images the recovered batch [n, C, H, W], pixels in [0, 1]
     * @param loss its final gradient-matching loss
     */
    public record Result(float[] images, int n, double loss) {}

    private final Settings settings;

    public GradientMatching(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param observed the gradient the server saw
     * @param targets target distributions of the dummy batch [n][numClasses] (e.g. from label inference)
     */
    public Result invert(CnnClassifier net, Params params, Map<String, NDArray> observed, float[][] targets,
            Seeds seeds, ProgressListener progress) {
        GradientMatchingLoss objective = new GradientMatchingLoss(net, params, observed, settings.tvWeight());
        int c = net.config().channels();
        int s = net.config().imageSize();
        int n = targets.length;
        Shape shape = new Shape(n, c, s, s);
        float[] flatTargets = flatten(targets);
        float[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        progress.start("gradient matching", (long) settings.restarts() * settings.iterations());
        for (int r = 0; r < settings.restarts(); r++) {
            float[] x = new float[(int) shape.size()];
            Seeds.gaussian(seeds.child(r).random(), x);
            Adam adam = new Adam(x.length);
            double loss = Double.NaN;
            for (int i = 0; i < settings.iterations(); i++) {
                try (NDManager m = params.manager().newSubManager()) {
                    NDArray xs = m.create(x, shape);
                    xs.setRequiresGradient(true);
                    NDArray t = m.create(flatTargets, new Shape(n, targets[0].length));
                    loss = objective.backward(xs, t, m);
                    adam.step(x, xs.getGradient().toFloatArray(), learningRate(i));
                }
                clampToBox(x);
                progress.update((long) r * settings.iterations() + i + 1, String.format("loss %.4f", loss));
            }
            try (NDManager m = params.manager().newSubManager()) {
                NDArray t = m.create(flatTargets, new Shape(n, targets[0].length));
                loss = objective.value(m.create(x, shape), t, m);
            }
            if (loss < bestLoss) {
                bestLoss = loss;
                best = x;
            }
        }
        progress.finish(String.format("gradient matching loss %.4f", bestLoss));
        return new Result(toPixels(best), n, bestLoss);
    }

    /** Step decay ×0.1 at 3/8, 5/8 and 7/8 of the run (Geiping et al.). */
    double learningRate(int i) {
        double f = (double) i / settings.iterations();
        double lr = settings.learningRate();
        for (double milestone : new double[] {3.0 / 8, 5.0 / 8, 7.0 / 8}) {
            if (f >= milestone) {
                lr *= 0.1;
            }
        }
        return lr;
    }

    static void clampToBox(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(-1f, Math.min(1f, x[i]));
        }
    }

    /** Data scale [−1, 1] → pixels [0, 1]. */
    static float[] toPixels(float[] x) {
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = (x[i] + 1f) / 2f;
        }
        return p;
    }

    static float[] flatten(float[][] rows) {
        int k = rows[0].length;
        float[] f = new float[rows.length * k];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != k) {
                throw new IllegalArgumentException("target rows differ in length");
            }
            System.arraycopy(rows[i], 0, f, i * k, k);
        }
        return f;
    }
}
