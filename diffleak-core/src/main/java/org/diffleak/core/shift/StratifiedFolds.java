package org.diffleak.core.shift;

import java.util.SplittableRandom;
import org.diffleak.core.util.Seeds;

/**
 * Seeded stratified k-fold assignment: each class is shuffled with the generator (members first, then
 * non-members) and dealt to the folds in turn, so every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ of each class c.
 */
public final class StratifiedFolds {

    private StratifiedFolds() {}

    /** The fold (0..k−1) of each row. */
    public static int[] assign(boolean[] labels, int k, long seed) {
        int pos = 0;
        for (boolean l : labels) {
            pos += l ? 1 : 0;
        }
        if (k < 2 || pos < k || labels.length - pos < k) {
            throw new IllegalArgumentException(k + " folds need at least " + k + " rows of each class, got " + pos
                    + " and " + (labels.length - pos));
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] fold = new int[labels.length];
        for (boolean cls : new boolean[] {true, false}) {
            int[] rows = new int[cls ? pos : labels.length - pos];
            for (int i = 0, j = 0; i < labels.length; i++) {
                if (labels[i] == cls) {
                    rows[j++] = i;
                }
            }
            int[] order = Seeds.permutation(rng, rows.length);
            for (int j = 0; j < rows.length; j++) {
                fold[rows[order[j]]] = j % k;
            }
        }
        return fold;
    }
}
