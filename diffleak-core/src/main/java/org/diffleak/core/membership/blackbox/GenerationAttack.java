package org.diffleak.core.membership.blackbox;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;

/**
 * Black-box attack with generation access only: the attacker asks the target for k images of the query's
 * label (the analog of generating from the query's caption) and scores the query by its closest
 * generation, per similarity: a model that memorised x tends to regenerate it. Generations are shared by
 * all candidates of one label (seeds from (seed, label, j)), so the attack costs k queries per label,
 * generated in batches across labels.
 *
 * @param generations k, images generated per label
 * @param steps DDIM steps of each generation
 */
public record GenerationAttack(int generations, int steps, long seed, int batch) {

    public GenerationAttack {
        if (generations < 1 || steps < 1 || batch < 1) {
            throw new IllegalArgumentException("generations, steps and batch must be ≥ 1, got " + generations
                    + ", " + steps + ", " + batch);
        }
    }

    public String name() {
        return "generation(k=" + generations + ", " + steps + " DDIM steps)";
    }

    /** Feature rows [candidates][similarity.dimension()]: the maximum similarity over the label's generations. */
    public double[][] features(BlackBoxTarget target, ImageDataset candidates, int[] labels, Similarity similarity,
            ProgressListener progress) {
        if (labels == null) {
            throw new IllegalArgumentException("the generation attack needs the candidates' labels (true or predicted)");
        }
        Candidates.check(target, candidates, labels);
        if (target.numClasses() == 0) {
            throw new IllegalArgumentException("the generation attack needs a class-conditional target");
        }
        int n = candidates.size();
        int d = candidates.imageSize();
        double[][] out = new double[n][similarity.dimension()];
        for (double[] row : out) {
            Arrays.fill(row, Double.NEGATIVE_INFINITY);
        }
        TreeSet<Integer> classes = new TreeSet<>();
        for (int y : labels) {
            classes.add(y);
        }
        int[] classList = classes.stream().mapToInt(Integer::intValue).toArray();
        float[] gen = generate(target, classList, progress);
        float[] queries = Candidates.pixels(candidates, 0, n);
        float[][] qf = similarity.encoder() == null ? null : similarity.encoder().encode(queries, n);
        for (int c = 0; c < classList.length; c++) {
            int[] members = indicesOf(labels, classList[c]);
            for (int j = 0; j < generations; j++) {
                float[] outs = new float[members.length * d];
                float[] qs = new float[members.length * d];
                float[][] qfs = qf == null ? null : new float[members.length][];
                for (int i = 0; i < members.length; i++) {
                    System.arraycopy(gen, (c * generations + j) * d, outs, i * d, d);
                    System.arraycopy(queries, members[i] * d, qs, i * d, d);
                    if (qfs != null) {
                        qfs[i] = qf[members[i]];
                    }
                }
                double[][] sim = similarity.pairs(qs, qfs, outs, members.length);
                for (int i = 0; i < members.length; i++) {
                    for (int k = 0; k < sim[i].length; k++) {
                        out[members[i]][k] = Math.max(out[members[i]][k], sim[i][k]);
                    }
                }
            }
        }
        progress.finish("generation attack: " + classList.length * (long) generations + " queries");
        return out;
    }

    /** k images of each label, [label][j] in label order, generated in batches across labels. */
    private float[] generate(BlackBoxTarget target, int[] classList, ProgressListener progress) {
        int d = target.channels() * target.height() * target.width();
        int total = classList.length * generations;
        float[] all = new float[total * d];
        progress.start("generation attack", total);
        for (int from = 0; from < total; from += batch) {
            int b = Math.min(batch, total - from);
            long[] seeds = new long[b];
            int[] y = new int[b];
            for (int i = 0; i < b; i++) {
                int label = classList[(from + i) / generations];
                seeds[i] = Seeds.of(seed).child(label).child((from + i) % generations).seed();
                y[i] = label;
            }
            System.arraycopy(target.generate(y, steps, seeds), 0, all, from * d, b * d);
            progress.update(from + b, "");
        }
        return all;
    }

    private static int[] indicesOf(int[] labels, int y) {
        return IntStream.range(0, labels.length).filter(i -> labels[i] == y).toArray();
    }
}
