package org.diffleak.core.audit;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;

/**
 * The canaries of a one-run ε audit: m images, each inserted into the target's training set by an independent
 * fair coin. The audit's test (a guess is right with probability ≤ e^ε/(1+e^ε) under ε-DP) needs the coins
 * independent, so about m/2 are inserted, not exactly m/2.
 *
 * @param kind noise or mislabeled
 * @param images the m canaries, in coin order (pixels in [0, 1], labels as trained)
 * @param inserted inserted[i]: canary i is in the target's training set
 */
public record Canaries(String kind, ImageDataset images, boolean[] inserted) {

    public Canaries {
        if (images.size() != inserted.length) {
            throw new IllegalArgumentException(images.size() + " canary images for " + inserted.length + " coins");
        }
    }

    /**
     * The configured canaries of an audit, all drawn from canaries.seed: uniform-noise images with uniform
     * labels (−1 for an unconditional target), or the auxiliary images after the shadows' slices with a wrong
     * label each, uniform over the other classes.
     */
    public static Canaries of(AuditConfig c, ImageDataset all, Splits splits) {
        AuditConfig.CanaryRecipe r = c.canaries();
        Seeds seeds = Seeds.of(r.seed());
        int classes = c.target().classes();
        ImageDataset images;
        if (r.kind().equals("noise")) {
            SplittableRandom rng = seeds.child("images").random();
            float[] px = new float[r.count() * all.imageSize()];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) rng.nextDouble();
            }
            int[] labels = new int[r.count()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = classes > 0 ? rng.nextInt(classes) : -1;
            }
            images = ImageDataset.of(all.name() + ":noise canaries", all.channels(), all.height(), all.width(), px,
                    labels);
        } else {
            int from = c.canaryPoolStart();
            ImageDataset source = all.subset(Arrays.copyOfRange(splits.auxiliary(), from, from + r.count()),
                    all.name() + ":mislabeled canaries");
            SplittableRandom rng = seeds.child("labels").random();
            int[] labels = new int[r.count()];
            for (int i = 0; i < labels.length; i++) {
                int y = source.labels()[i];
                if (y < 0 || y >= classes) {
                    throw new DataException(source.name() + ": image " + i + " has label " + y
                            + "; mislabeled canaries need labels in 0.." + (classes - 1));
                }
                labels[i] = (y + 1 + rng.nextInt(classes - 1)) % classes;
            }
            images = ImageDataset.of(source.name(), all.channels(), all.height(), all.width(), source.pixels(), labels);
        }
        SplittableRandom coins = seeds.child("coins").random();
        boolean[] inserted = new boolean[r.count()];
        for (int i = 0; i < inserted.length; i++) {
            inserted[i] = coins.nextBoolean();
        }
        return new Canaries(r.kind(), images, inserted);
    }

    public int count() {
        return inserted.length;
    }

    public int insertedCount() {
        int n = 0;
        for (boolean b : inserted) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** The training set with the inserted canaries appended (attributes dropped: training uses none). */
    public ImageDataset insertInto(ImageDataset train) {
        if (train.channels() != images.channels() || train.height() != images.height()
                || train.width() != images.width()) {
            throw new IllegalArgumentException("canaries and training images differ in shape");
        }
        int d = train.imageSize();
        int k = insertedCount();
        float[] px = Arrays.copyOf(train.pixels(), (train.size() + k) * d);
        int[] labels = Arrays.copyOf(train.labels(), train.size() + k);
        int at = train.size();
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i]) {
                images.copyImage(i, px, at * d);
                labels[at++] = images.labels()[i];
            }
        }
        return ImageDataset.of(train.name() + " + " + k + " " + kind + " canaries", train.channels(), train.height(),
                train.width(), px, labels);
    }
}
