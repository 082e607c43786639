package org.diffleak.core.privacy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The guessing game of the one-run audit (Steinke, Nasr &amp; Jagielski 2023): rank the m canaries by an
 * attack's score (higher = more likely inserted), guess "inserted" for the k highest and "not inserted" for
 * the k lowest, abstain on the rest; r = 2k guesses with v right give {@link EmpiricalEpsilon}'s lower bound.
 * Several attacks and several k are tried, a multiple comparison: each of the T (attack, k) tests runs at
 * level α/T (Bonferroni), so the largest of their bounds holds with confidence 1 − α.
 */
public final class OneRunAudit {

    /**
     * The largest bound and the test that gave it.
     *
     * @param epsilon the lower bound on ε (0 when no test rejects ε = 0)
     * @param tests T, the number of (attack, k) tests
     * @param alpha the overall significance α (each test ran at α/T)
     */
    public record Result(double epsilon, String attack, int guesses, int correct, int tests, double alpha) {}

    /** At most this many k per attack: m/2, m/4, … */
    static final int MAX_K = 5;

    private OneRunAudit() {}

    /** The k (guesses per side) tried for m canaries: ⌊m/2⌋, ⌊m/4⌋, … while ≥ 1, at most {@value #MAX_K}. */
    public static int[] perSide(int m) {
        List<Integer> ks = new ArrayList<>();
        for (int k = m / 2; k >= 1 && ks.size() < MAX_K; k /= 2) {
            ks.add(k);
        }
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Right guesses v when the k highest scores are guessed inserted and the k lowest not (ties by index). */
    public static int correct(double[] scores, boolean[] inserted, int k) {
        if (scores.length != inserted.length) {
            throw new IllegalArgumentException(scores.length + " canary scores for " + inserted.length + " canaries");
        }
        if (k < 0 || 2 * k > scores.length) {
            throw new IllegalArgumentException("cannot guess " + k + " per side of " + scores.length + " canaries");
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("a canary score is NaN");
            }
        }
        int[] order = IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
        int v = 0;
        for (int i = 0; i < k; i++) {
            v += inserted[order[i]] ? 1 : 0;
            v += inserted[order[order.length - 1 - i]] ? 0 : 1;
        }
        return v;
    }

    /**
     * The audit over every attack's canary scores (one array per attack, in canary order).
     *
     * @param alpha overall significance, e.g. 0.05
     */
    public static Result audit(List<String> attacks, List<double[]> scores, boolean[] inserted, double alpha) {
        if (attacks.size() != scores.size() || attacks.isEmpty()) {
            throw new IllegalArgumentException(attacks.size() + " attack names for " + scores.size() + " score sets");
        }
        int[] ks = perSide(inserted.length);
        if (ks.length == 0) {
            throw new IllegalArgumentException("the one-run audit needs at least 2 canaries, got " + inserted.length);
        }
        int tests = attacks.size() * ks.length;
        Result best = null;
        for (int a = 0; a < attacks.size(); a++) {
            for (int k : ks) {
                int v = correct(scores.get(a), inserted, k);
                double eps = EmpiricalEpsilon.lowerBound(2 * k, v, alpha / tests);
                if (best == null || eps > best.epsilon()) {
                    best = new Result(eps, attacks.get(a), 2 * k, v, tests, alpha);
                }
            }
        }
        return best;
    }
}
