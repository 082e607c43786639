package org.diffleak.core.property;

import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;

/**
 * A subset of n images of which exactly round(p·n) have the property: that many drawn without
 * replacement from the images with it, the rest from those without, then shuffled, all from the
 * caller's seeded generator.
 */
public final class ExactShareSubset {

    private ExactShareSubset() {}

    /** Indices into has, in shuffled order. */
    public static int[] select(boolean[] has, int n, double share, SplittableRandom rng) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("property share must be in [0, 1], got " + share);
        }
        if (n < 1) {
            throw new IllegalArgumentException("subset size must be ≥ 1, got " + n);
        }
        int k = (int) Math.round(share * n);
        List<Integer> pos = BinaryProperty.indices(has, true);
        List<Integer> neg = BinaryProperty.indices(has, false);
        if (k > pos.size() || n - k > neg.size()) {
            throw new DataException("cannot build " + n + " images at share " + share + ": needs " + k + " with the"
                    + " property and " + (n - k) + " without, the pool has " + pos.size() + " and " + neg.size());
        }
        int[] out = new int[n];
        int[] pp = Seeds.permutation(rng, pos.size());
        int[] pn = Seeds.permutation(rng, neg.size());
        for (int i = 0; i < k; i++) {
            out[i] = pos.get(pp[i]);
        }
        for (int i = k; i < n; i++) {
            out[i] = neg.get(pn[i - k]);
        }
        int[] order = Seeds.permutation(rng, n);
        int[] shuffled = new int[n];
        for (int i = 0; i < n; i++) {
            shuffled[i] = out[order[i]];
        }
        return shuffled;
    }

    /** n target values, exactly round(p·n) of them true, in seeded random order (the private sampler's assignment). */
    public static boolean[] assignment(int n, double share, SplittableRandom rng) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("target share must be in [0, 1], got " + share);
        }
        int k = (int) Math.round(share * n);
        int[] order = Seeds.permutation(rng, n);
        boolean[] out = new boolean[n];
        for (int i = 0; i < k; i++) {
            out[order[i]] = true;
        }
        return out;
    }
}
