package org.diffleak.core.membership.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.util.ProgressListener;
import org.junit.jupiter.api.Test;

/**
 * The black-box attacks against a target that memorised its training images: img2img returns a training
 * image that equals the query almost unchanged (any other query comes back with noise of scale s), and
 * generation of a label returns one of that label's training images. Members must then score higher than non-members.
 */
class BlackBoxAttacksTest {

    private static final int S = 12;
    private static final int D = S * S;

    /** n random images (pixels in [0, 1]) with labels i % 2. */
    private static ImageDataset images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * D];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        return ImageDataset.of("random", 1, S, S, px, labels);
    }

    /** A target that memorised `train`; counts queries; records the seeds it was given. */
    private static final class Memoriser implements BlackBoxTarget {
        final ImageDataset train;
        final List<Long> seeds = new ArrayList<>();
        long queries;

        Memoriser(ImageDataset train) {
            this.train = train;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int imageSize() {
            return S;
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        public float[] denoise(float[] x, int[] labels, double strength, int steps, long[] s) {
            float[] out = x.clone();
            float[] img = new float[D];
            for (int i = 0; i < s.length; i++) {
                seeds.add(s[i]);
                SplittableRandom noise = new SplittableRandom(s[i]);
                double scale = strength;
                for (int j = 0; j < train.size(); j++) {
                    train.copyImage(j, img, 0);
                    double d = 0;
                    for (int k = 0; k < D; k++) {
                        d += Math.abs(img[k] - x[i * D + k]);
                    }
                    if (d < 1e-6) {
                        System.arraycopy(img, 0, out, i * D, D);
                        scale = 0.02;
                        break;
                    }
                }
                for (int k = 0; k < D; k++) {
                    out[i * D + k] = (float) Math.min(1, Math.max(0, out[i * D + k] + scale * noise.nextGaussian()));
                }
            }
            queries += s.length;
            return out;
        }

        @Override
        public float[] generate(int[] labels, int steps, long[] s) {
            float[] out = new float[s.length * D];
            for (int i = 0; i < s.length; i++) {
                int pick = (int) Math.floorMod(s[i], (long) train.size() / 2) * 2 + labels[i];
                train.copyImage(Math.min(pick, train.size() - 1), out, i * D);
            }
            queries += s.length;
            return out;
        }

        @Override
        public long queries() {
            return queries;
        }
    }

    private static double auc(double[][] f, int members, int column) {
        boolean[] l = new boolean[f.length];
        double[] s = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            l[i] = i < members;
            s[i] = f[i][column];
        }
        return MembershipMetrics.auc(l, s);
    }

    private static ImageDataset concat(ImageDataset a, ImageDataset b) {
        float[] px = new float[(a.size() + b.size()) * D];
        System.arraycopy(a.pixels(), 0, px, 0, a.size() * D);
        System.arraycopy(b.pixels(), 0, px, a.size() * D, b.size() * D);
        int[] y = new int[a.size() + b.size()];
        System.arraycopy(a.labels(), 0, y, 0, a.size());
        System.arraycopy(b.labels(), 0, y, a.size(), b.size());
        return ImageDataset.of("candidates", 1, S, S, px, y);
    }

    @Test
    void reconstructionSeparatesMemorisedImagesOnEverySimilarity() {
        ImageDataset members = images(20, 1);
        ImageDataset candidates = concat(members, images(20, 2));
        Memoriser target = new Memoriser(members);
        ReconstructionAttack attack = new ReconstructionAttack(0.5, 5, 3, 7, 8);
        double[][] f = attack.features(target, candidates, null, new Similarity(1, S, null), ProgressListener.NONE);
        assertThat(f).hasNumberOfRows(40);
        assertThat(auc(f, 20, 0)).isEqualTo(1.0);
        assertThat(auc(f, 20, 1)).isEqualTo(1.0);
        assertThat(target.queries()).isEqualTo(40L * 3);
        // A candidate's seeds do not depend on the batch: a batch of 5 asks with the same seeds as one of 8.
        Memoriser other = new Memoriser(members);
        double[][] g = new ReconstructionAttack(0.5, 5, 3, 7, 5).features(other, candidates, null,
                new Similarity(1, S, null), ProgressListener.NONE);
        assertThat(other.seeds).containsExactlyInAnyOrderElementsOf(target.seeds);
        assertThat(g).isDeepEqualTo(f);
    }

    @Test
    void theEncoderColumnIsTheCosineOfTheEncodersFeatures() {
        ImageDataset members = images(6, 3);
        ImageEncoder identity = (x, n) -> {
            float[][] out = new float[n][D];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x, i * D, out[i], 0, D);
            }
            return out;
        };
        double[][] f = new ReconstructionAttack(0.5, 5, 1, 7, 8).features(new Memoriser(members), members, null,
                new Similarity(1, S, identity), ProgressListener.NONE);
        for (double[] row : f) {
            assertThat(row).hasSize(3);
            assertThat(row[2]).isGreaterThan(0.99);
        }
    }

    @Test
    void generationScoresTheClosestOfTheLabelsGenerations() {
        ImageDataset members = images(20, 4);
        ImageDataset candidates = concat(members, images(20, 5));
        Memoriser target = new Memoriser(members);
        double[][] f = new GenerationAttack(40, 3, 9, 16).features(target, candidates, candidates.labels(),
                new Similarity(1, S, null), ProgressListener.NONE);
        assertThat(auc(f, 20, 0)).isGreaterThan(0.95);
        assertThat(target.queries()).isEqualTo(2 * 40L);
        assertThatThrownBy(() -> new GenerationAttack(4, 3, 9, 16).features(target, candidates, null,
                new Similarity(1, S, null), ProgressListener.NONE)).hasMessageContaining("needs the candidates' labels");
    }

    @Test
    void badSettingsAndShapesAreClearErrors() {
        assertThatThrownBy(() -> new ReconstructionAttack(0, 5, 1, 0, 8)).hasMessageContaining("strength");
        assertThatThrownBy(() -> new ReconstructionAttack(0.5, 0, 1, 0, 8)).hasMessageContaining("≥ 1");
        ImageDataset wrong = ImageDataset.of("x", 1, 11, 11, new float[121], new int[1]);
        assertThatThrownBy(() -> new ReconstructionAttack(0.5, 5, 1, 0, 8).features(new Memoriser(images(2, 1)), wrong,
                null, new Similarity(1, 11, null), ProgressListener.NONE)).hasMessageContaining("the target takes 1x12x12");
    }
}
