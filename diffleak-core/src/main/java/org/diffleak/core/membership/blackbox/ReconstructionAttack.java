package org.diffleak.core.membership.blackbox;

import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;

/**
 * Black-box reconstruction attack on a (fine-tuned) diffusion model, img2img access (Pang et al., "Black-box
 * membership inference attacks against fine-tuned diffusion models"): noise the query x to x_t at strength s,
 * let the target denoise it back with DDIM, and compare the output x̂ with x; a model that memorised x pulls
 * x̂ back towards it. Features per candidate: the similarities of {@link Similarity} averaged over n
 * noisings, each noising with its own seed derived from (seed, noising, candidate index).
 *
 * @param strength noise strength s ∈ (0, 1]: t = round(s·T)
 * @param steps DDIM steps from t back to 0
 * @param noisings n, the noisings averaged per candidate
 */
public record ReconstructionAttack(double strength, int steps, int noisings, long seed, int batch) {

    public ReconstructionAttack {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        }
        if (steps < 1 || noisings < 1 || batch < 1) {
            throw new IllegalArgumentException("steps, noisings and batch must be ≥ 1, got " + steps + ", "
                    + noisings + ", " + batch);
        }
    }

    public String name() {
        return "reconstruction(s=" + strength + ", " + steps + " DDIM steps, n=" + noisings + ")";
    }

    /**
     * Feature rows [candidates][similarity.dimension()], higher = more similar.
     *
     * @param labels the candidates' labels for a conditional target (true or predicted), or null
     */
    public double[][] features(BlackBoxTarget target, ImageDataset candidates, int[] labels, Similarity similarity,
            ProgressListener progress) {
        Candidates.check(target, candidates, labels);
        int n = candidates.size();
        int d = candidates.imageSize();
        double[][] out = new double[n][similarity.dimension()];
        Seeds root = Seeds.of(seed);
        progress.start("reconstruction attack", (long) n * noisings);
        long done = 0;
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(batch, n - from);
            float[] queries = Candidates.pixels(candidates, from, b);
            int[] y = Candidates.slice(labels, from, b);
            float[][] qf = similarity.encoder() == null ? null : similarity.encoder().encode(queries, b);
            for (int r = 0; r < noisings; r++) {
                long[] seeds = new long[b];
                for (int i = 0; i < b; i++) {
                    seeds[i] = root.child(r).child(from + i).seed();
                }
                float[] x = target.denoise(queries, y, strength, steps, seeds);
                double[][] sim = similarity.pairs(queries, qf, x, b);
                for (int i = 0; i < b; i++) {
                    for (int k = 0; k < sim[i].length; k++) {
                        out[from + i][k] += sim[i][k] / noisings;
                    }
                }
                done += b;
                progress.update(done, "");
            }
        }
        progress.finish("reconstruction attack: " + n + " candidates, " + (long) n * noisings + " queries");
        return out;
    }
}
