package org.diffleak.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.NoiseAwareClassifierCard;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.diffusion.NoisyClassifier;
import org.diffleak.torch.engine.GradMode;
import org.diffleak.torch.nn.NoiseAwareClassifier;
import org.diffleak.torch.nn.Params;

/**
 * Trains a {@link NoiseAwareClassifier} on noised real images: per step, a batch x₀ from seeded epoch
 * permutations, t ~ U{0..T−1} and ε ~ N(0, I) from the step's seed, x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, and the
 * cross-entropy −(1/N) Σ_i log softmax(f(x_t, t))_i[y_i] minimised with AdamW. Stores the classifier as a
 * directory with noise-classifier.json and weights.ndlist.
 */
public final class NoiseAwareClassifierTrainer {

    public static final String CARD = "noise-classifier.json";
    public static final String WEIGHTS = "weights.ndlist";

    /** A trained or loaded classifier (closing frees the weights). */
    public record Trained(NoiseAwareClassifierCard card, NoiseAwareClassifier net, Params params)
            implements NoisyClassifier, AutoCloseable {

        @Override
        public NDArray logits(NDArray xt, NDArray t) {
            return net.logits(params, xt, t);
        }

        @Override
        public void close() {
            params.close();
        }
    }

    private final NoiseAwareClassifier net;
    private final ScheduleConfig schedule;
    private final ClassifierTrainer.Recipe recipe;

    public NoiseAwareClassifierTrainer(NoiseAwareClassifier net, ScheduleConfig schedule,
            ClassifierTrainer.Recipe recipe) {
        if (net.timesteps() != schedule.steps()) {
            throw new IllegalArgumentException("classifier built for T = " + net.timesteps() + ", schedule has "
                    + schedule.steps());
        }
        this.net = net;
        this.schedule = schedule;
        this.recipe = recipe;
    }

    /**
     * @param data images in [0, 1] with labels in 0..numClasses−1 (for a property: 1 = has it)
     * @param property the property's name, for the card
     */
    public Trained train(ImageDataset data, String property, NDManager manager, ProgressListener progress) {
        data.requireShape(net.config().channels(), net.config().imageSize());
        for (int y : data.labels()) {
            if (y < 0 || y >= net.config().numClasses()) {
                throw new DataException(data.name() + ": label " + y + " outside 0.." + (net.config().numClasses() - 1));
            }
        }
        NoiseSchedule s = schedule.build();
        Seeds seeds = Seeds.of(recipe.seed());
        try (Params params = Params.initialize(net.specs(), seeds.child("init"), manager);
                AdamW adam = new AdamW(params, recipe.weightDecay(), manager)) {
            params.attachGradients();
            progress.start("training noise-aware classifier", recipe.steps());
            double loss = Double.NaN;
            for (long step = 0; step < recipe.steps(); step++) {
                loss = step(params, adam, data, s, seeds, step, manager);
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException("classifier loss became " + loss + " at step " + (step + 1));
                }
                progress.update(step + 1, String.format("loss %.4f", loss));
            }
            progress.finish(String.format("trained %d steps, final loss %.4f", recipe.steps(), loss));
            NoiseAwareClassifierCard card = new NoiseAwareClassifierCard(net.config(), schedule, property,
                    recipe.steps(), loss, data.name());
            return new Trained(card, net, params.copy(manager));
        }
    }

    private double step(Params params, AdamW adam, ImageDataset data, NoiseSchedule s, Seeds seeds, long step,
            NDManager manager) {
        int[] idx = DiffusionTrainer.batchIndices(seeds, step, recipe.batchSize(), data.size());
        SplittableRandom rng = seeds.child("noise").child(step).random();
        long[] ts = new long[idx.length];
        long[] ys = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            ts[i] = rng.nextInt(s.steps());
            ys[i] = data.labels()[idx[i]];
        }
        try (NDManager sm = manager.newSubManager()) {
            NDArray x0 = ClassifierTrainer.images(sm, data, idx);
            NDArray eps = Noise.gaussian(sm, x0.getShape(), rng);
            NDArray xt = noised(s, x0, eps, ts);
            NDArray onehot = sm.create(ys).oneHot(net.config().numClasses());
            double loss;
            try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
                NDArray l = net.logits(params, xt, sm.create(ts)).logSoftmax(1).mul(onehot).sum(new int[] {1})
                        .mean().neg();
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Double.isFinite(loss)) {
                return loss;
            }
            Map<String, NDArray> grads = params.gradients(sm);
            try (GradMode g = GradMode.enabled(false)) {
                adam.step(params, grads, recipe.learningRate(), 1.0);
            }
            params.zeroGradients();
            return loss;
        }
    }

    /** x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε with a timestep per image. */
    static NDArray noised(NoiseSchedule s, NDArray x0, NDArray eps, long[] ts) {
        float[] a = new float[ts.length];
        float[] b = new float[ts.length];
        for (int i = 0; i < ts.length; i++) {
            a[i] = (float) s.sqrtAlphaBar((int) ts[i]);
            b[i] = (float) s.sqrtOneMinusAlphaBar((int) ts[i]);
        }
        Shape col = new Shape(ts.length, 1, 1, 1);
        NDManager m = x0.getManager();
        return x0.mul(m.create(a, col)).add(eps.mul(m.create(b, col)));
    }

    /** P(class 1 | x_t, t) of images in [0, 1] noised at one timestep (t = 0: nearly clean), in batches. */
    public static double[] probabilities(Trained c, ImageDataset data, int t, long seed) {
        NoiseSchedule s = c.card().schedule().build();
        double[] out = new double[data.size()];
        for (int from = 0; from < data.size(); from += 256) {
            int[] idx = java.util.stream.IntStream.range(from, Math.min(from + 256, data.size())).toArray();
            try (NDManager sm = c.params().manager().newSubManager()) {
                NDArray x0 = ClassifierTrainer.images(sm, data, idx);
                long[] ts = new long[idx.length];
                java.util.Arrays.fill(ts, t);
                NDArray eps = Noise.gaussian(sm, x0.getShape(), Seeds.of(seed).child(from).random());
                float[] p = c.logits(noised(s, x0, eps, ts), sm.create(ts)).softmax(1).get(":, 1").toFloatArray();
                for (int i = 0; i < p.length; i++) {
                    out[from + i] = p[i];
                }
            }
        }
        return out;
    }

    public static void save(Path dir, Trained c) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Json.write(tmp.resolve(CARD), c.card());
            ModelStore.writeParams(tmp.resolve(WEIGHTS), c.params());
        });
    }

    public static Trained load(Path dir, NDManager manager) {
        Path file = dir.resolve(CARD);
        if (!Files.isRegularFile(file)) {
            throw new DataException(dir + ": not a noise-aware classifier directory (no " + CARD + ")");
        }
        NoiseAwareClassifierCard card;
        try {
            card = Json.MAPPER.readValue(file.toFile(), NoiseAwareClassifierCard.class);
        } catch (IOException e) {
            throw new DataException(file + ": corrupt classifier card: " + Json.firstLine(e.getMessage()), e);
        }
        NoiseAwareClassifier net = new NoiseAwareClassifier(card.cnn(), card.schedule().steps());
        return new Trained(card, net, ModelStore.readParams(dir.resolve(WEIGHTS), net.specs(), manager));
    }
}
