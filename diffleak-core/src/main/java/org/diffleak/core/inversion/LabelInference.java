package org.diffleak.core.inversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Which classes a batch holds, and roughly how many of each, from the gradient of the last layer's bias.
 * For the mean cross-entropy over a batch of N, ∂L/∂b_c = (1/N) Σ_i (p_ic − y_ic) = p̄_c − n_c/N, with p
 * the softmax outputs (Zhao et al. 2020; Wainakh et al. 2022). A class is present when its entry is
 * negative; only present classes get images, n_c ∝ p̂_c − ∂L/∂b_c with p̂_c an estimate of the batch's mean
 * probability (here the model's mean softmax on auxiliary images), rounded so that the counts sum to N. An
 * absent class cannot take images: with a confident model p̂ from auxiliary data overstates p̄ of a
 * one-class batch's other classes, which would otherwise hand them most of the batch.
 */
public final class LabelInference {

    /**
     * @param present classes with a negative bias gradient, most negative first (never empty: when DP noise
     *     leaves no entry negative, the smallest one)
     * @param counts estimated images per class (sums to N)
     */
    public record Result(int[] present, int[] counts) {

        /** The present class with the most estimated images (ties: the more negative gradient). */
        public int dominant() {
            int best = present[0];
            for (int c : present) {
                if (counts[c] > counts[best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    private LabelInference() {}

    /**
     * @param biasGradient ∂L/∂b of the classification head
     * @param batchSize N
     * @param meanProbability p̂, the model's mean softmax on auxiliary data, one entry per class
     */
    public static Result infer(float[] biasGradient, int batchSize, double[] meanProbability) {
        int k = biasGradient.length;
        if (meanProbability.length != k) {
            throw new IllegalArgumentException(k + " bias entries but " + meanProbability.length + " probabilities");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        List<Integer> present = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (biasGradient[c] < 0) {
                present.add(c);
            }
        }
        if (present.isEmpty()) {
            int min = 0;
            for (int c = 1; c < k; c++) {
                if (biasGradient[c] < biasGradient[min]) {
                    min = c;
                }
            }
            present.add(min);
        }
        present.sort((a, b) -> Float.compare(biasGradient[a], biasGradient[b]));
        double[] raw = new double[k];
        double total = 0;
        for (int c : present) {
            raw[c] = Math.max(0, batchSize * (meanProbability[c] - biasGradient[c]));
            total += raw[c];
        }
        int[] counts = new int[k];
        if (total > 0) {
            // largest-remainder rounding to a total of N
            double[] scaled = new double[k];
            int assigned = 0;
            for (int c = 0; c < k; c++) {
                scaled[c] = raw[c] * batchSize / total;
                counts[c] = (int) Math.floor(scaled[c]);
                assigned += counts[c];
            }
            while (assigned < batchSize) {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (scaled[c] - counts[c] > scaled[best] - counts[best]) {
                        best = c;
                    }
                }
                counts[best]++;
                scaled[best] = counts[best];
                assigned++;
            }
        }
        return new Result(present.stream().mapToInt(Integer::intValue).toArray(), counts);
    }
}
