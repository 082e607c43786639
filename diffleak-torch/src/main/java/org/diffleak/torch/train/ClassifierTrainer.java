package org.diffleak.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ClassifierCard;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.engine.GradMode;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.privacy.DpSgdRun;

/**
 * Trains a {@link CnnClassifier} with the cross-entropy L = −(1/N) Σ_i log softmax(z_i)[y_i] and AdamW,
 * on batches drawn from seeded per-epoch permutations, so a seed fixes the weights. With a
 * {@link DpSgdConfig} it trains with DP-SGD instead ({@link DpSgdRun}: Poisson batches, per-sample
 * gradients clipped to C, noise σC, RDP accounting, a stop at the budget) and the card records ε spent.
 * Also runs batched inference and stores a trained classifier as a directory with classifier.json (the
 * card) and weights.ndlist.
 */
public final class ClassifierTrainer {

    public static final String CARD = "classifier.json";
    public static final String WEIGHTS = "weights.ndlist";

    /** Images per forward pass at inference. */
    private static final int INFERENCE_BATCH = 256;

    /**
     * Recipe of a classifier training run.
     *
     * @param steps optimizer steps
     * @param batchSize images per step
     * @param learningRate constant AdamW learning rate
     * @param weightDecay decoupled (AdamW) weight decay
     * @param seed master seed of the initialisation and the batch order
     */
    public record Recipe(int steps, int batchSize, double learningRate, double weightDecay, long seed) {

        public Recipe {
            if (steps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("steps and batch size must be ≥ 1");
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
            }
        }
    }

    /** A trained or loaded classifier: its card, network and weights (closing frees the weights). */
    public record Trained(ClassifierCard card, CnnClassifier net, Params params) implements AutoCloseable {

        @Override
        public void close() {
            params.close();
        }
    }

    private final CnnClassifier net;
    private final Recipe recipe;
    private final DpSgdConfig dp;

    public ClassifierTrainer(CnnClassifier net, Recipe recipe) {
        this(net, recipe, null);
    }

    /** With dp non-null, trains with DP-SGD (Poisson sampling at q = batchSize/N) and RDP accounting. */
    public ClassifierTrainer(CnnClassifier net, Recipe recipe, DpSgdConfig dp) {
        this.net = net;
        this.recipe = recipe;
        this.dp = dp;
    }

    /**
     * Trains fresh weights on data (pixels in [0, 1], labels in 0..numClasses−1).
     *
     * @param manager owns the returned weights
     */
    public Trained train(ImageDataset data, NDManager manager, ProgressListener progress) {
        checkImages(net.config(), data);
        checkLabels(net.config(), data);
        Seeds seeds = Seeds.of(recipe.seed());
        try (Params params = Params.initialize(net.specs(), seeds.child("init"), manager);
                AdamW adam = new AdamW(params, recipe.weightDecay(), manager)) {
            DpSgdRun privacy = dp == null ? null : new DpSgdRun(dp, data.size(), recipe.batchSize(), recipe.steps());
            if (privacy == null) {
                params.attachGradients();
            }
            progress.start("training classifier", recipe.steps());
            double loss = Double.NaN;
            long last = recipe.steps();
            for (long s = 0; s < recipe.steps(); s++) {
                if (privacy != null && !privacy.budgetAllowsAnotherStep()) {
                    last = s;
                    break;
                }
                loss = privacy == null ? step(params, adam, data, seeds, s, manager)
                        : privateStep(params, adam, data, seeds, s, privacy, manager);
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException("classifier loss became " + loss + " at step " + (s + 1));
                }
                progress.update(s + 1, String.format("loss %.4f", loss));
            }
            PrivacySpent spent = privacy == null ? null : privacy.spent(last);
            progress.finish(String.format("trained %d steps, final loss %.4f%s", last, loss, spent == null ? ""
                    : String.format(", (ε = %.3f, δ = %g)-DP with σ = %.4f", spent.epsilon(), spent.delta(),
                            spent.noiseMultiplier())));
            ClassifierCard card = new ClassifierCard(net.config(), last, loss, data.name(), spent);
            return new Trained(card, net, params.copy(manager));
        }
    }

    private double step(Params params, AdamW adam, ImageDataset data, Seeds seeds, long s, NDManager manager) {
        int[] idx = DiffusionTrainer.batchIndices(seeds, s, recipe.batchSize(), data.size());
        try (NDManager sm = manager.newSubManager()) {
            NDArray x = images(sm, data, idx);
            NDArray onehot = onehot(sm, data, idx);
            double loss;
            try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
                // log softmax(z_i)[y_i] as the sum of log softmax(z_i) · onehot(y_i)
                NDArray l = net.logits(params, x).logSoftmax(1).mul(onehot).sum(new int[] {1}).mean().neg();
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Double.isFinite(loss)) {
                return loss;
            }
            Map<String, NDArray> grads = params.gradients(sm);
            adamStep(params, adam, grads);
            params.zeroGradients();
            return loss;
        }
    }

    /** A DP-SGD step: per-sample gradients of L_i = −log softmax(z_i)[y_i], clipped, summed, noised, scaled. */
    private double privateStep(Params params, AdamW adam, ImageDataset data, Seeds seeds, long s, DpSgdRun privacy,
            NDManager manager) {
        int[] idx = privacy.batch(seeds, s);
        try (NDManager sm = manager.newSubManager()) {
            DpSgdRun.ClippedSum sum = privacy.clippedSum(params, idx.length, (from, to, taped, mm) -> {
                int[] part = Arrays.copyOfRange(idx, from, to);
                return net.logits(taped, images(mm, data, part)).logSoftmax(1).mul(onehot(mm, data, part)).sum().neg();
            }, sm);
            double loss = idx.length == 0 ? 0 : sum.lossSum() / idx.length;
            if (!Double.isFinite(loss)) {
                return loss;
            }
            privacy.privatize(sum.grads(), seeds, s);
            adamStep(params, adam, sum.grads());
            return loss;
        }
    }

    /** onehot(y_i) [n, numClasses] of the labels at the given indices. */
    private NDArray onehot(NDManager m, ImageDataset data, int[] idx) {
        long[] ys = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            ys[i] = data.labels()[idx[i]];
        }
        return m.create(ys).oneHot(net.config().numClasses());
    }

    private void adamStep(Params params, AdamW adam, Map<String, NDArray> grads) {
        try (GradMode g = GradMode.enabled(false)) {
            adam.step(params, grads, recipe.learningRate(), 1.0);
        }
    }

    /** Images at the given indices as [n, C, H, W] in the network's scale x = 2p − 1. */
    static NDArray images(NDManager manager, ImageDataset data, int[] idx) {
        int d = data.imageSize();
        float[] px = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            data.copyImage(idx[i], px, i * d);
        }
        for (int i = 0; i < px.length; i++) {
            px[i] = 2f * px[i] - 1f;
        }
        return manager.create(px, new Shape(idx.length, data.channels(), data.height(), data.width()));
    }

    // ---- inference

    /** The arg-max class of every image, in batches that each run in a sub-manager of the weights'. */
    public static int[] predict(CnnClassifier net, Params params, ImageDataset data) {
        checkImages(net.config(), data);
        int[] out = new int[data.size()];
        for (int from = 0; from < data.size(); from += INFERENCE_BATCH) {
            int[] idx = IntStream.range(from, Math.min(from + INFERENCE_BATCH, data.size())).toArray();
            try (NDManager sm = params.manager().newSubManager()) {
                long[] cls = net.logits(params, images(sm, data, idx)).argMax(1).toLongArray();
                for (int i = 0; i < cls.length; i++) {
                    out[from + i] = (int) cls[i];
                }
            }
        }
        return out;
    }

    /** The fraction of images whose predicted class is their label. */
    public static double accuracy(CnnClassifier net, Params params, ImageDataset data) {
        checkLabels(net.config(), data);
        int[] pred = predict(net, params, data);
        int hits = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == data.labels()[i]) {
                hits++;
            }
        }
        return (double) hits / pred.length;
    }

    private static void checkImages(CnnConfig c, ImageDataset data) {
        if (data.channels() != c.channels() || data.height() != c.imageSize() || data.width() != c.imageSize()) {
            throw new DataException(data.name() + ": images are " + data.channels() + "x" + data.height() + "x"
                    + data.width() + " but the classifier takes " + c.channels() + "x" + c.imageSize() + "x"
                    + c.imageSize());
        }
    }

    private static void checkLabels(CnnConfig c, ImageDataset data) {
        if (data.size() == 0) {
            throw new DataException(data.name() + ": no images");
        }
        for (int i = 0; i < data.size(); i++) {
            int y = data.labels()[i];
            if (y < 0 || y >= c.numClasses()) {
                throw new DataException(data.name() + ": image " + i + " has label " + y + ", the classifier has "
                        + c.numClasses() + " classes (0.." + (c.numClasses() - 1) + ")");
            }
        }
    }

    // ---- storage

    /** Writes the classifier directory atomically (a half-written one never appears). */
    public static void save(Path dir, Trained classifier) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Json.write(tmp.resolve(CARD), classifier.card());
            ModelStore.writeParams(tmp.resolve(WEIGHTS), classifier.params());
        });
    }

    public static ClassifierCard readCard(Path dir) {
        Path file = dir.resolve(CARD);
        if (!Files.isRegularFile(file)) {
            throw new DataException(dir + ": not a DiffLeak classifier directory (no " + CARD + ")");
        }
        try {
            ClassifierCard c = Json.MAPPER.readValue(file.toFile(), ClassifierCard.class);
            if (c.cnn() == null) {
                throw new DataException(file + ": classifier card lacks the architecture");
            }
            return c;
        } catch (IOException e) {
            throw new DataException(file + ": corrupt classifier card: " + Json.firstLine(e.getMessage()), e);
        }
    }

    /** Loads a directory written by {@link #save}; the weights are owned by a sub-manager of manager. */
    public static Trained load(Path dir, NDManager manager) {
        ClassifierCard card = readCard(dir);
        CnnClassifier net = new CnnClassifier(card.cnn());
        return new Trained(card, net, ModelStore.readParams(dir.resolve(WEIGHTS), net.specs(), manager));
    }
}
