package org.diffleak.core.shift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One-to-one caliper matching on the blind classifier's out-of-fold log-odds (the propensity score of being a
 * member; Rosenbaum &amp; Rubin 1983): the closest member / non-member pair is matched first, then the closest of
 * the rest, and so on, without replacement; no pair further apart than the caliper, 0.2 standard deviations of the
 * pooled log-odds (Austin 2011). The kept candidates are those the blind classifier scores alike. Deterministic:
 * ties go to the lower member, then the lower non-member index.
 */
public final class PropensityMatching {

    /** The caliper in standard deviations of the pooled log-odds. */
    public static final double CALIPER_SD = 0.2;

    private PropensityMatching() {}

    /** The matched pairs' indices into the members and into the non-members, each ascending. */
    public record Pairs(int[] members, int[] nonMembers, double caliper) {}

    /** @param scores log-odds of the members first, then of the non-members */
    public static Pairs match(double[] scores, int members) {
        int n0 = scores.length - members;
        double mean = Arrays.stream(scores).average().orElse(0);
        double var = Arrays.stream(scores).map(s -> (s - mean) * (s - mean)).sum() / Math.max(1, scores.length - 1);
        double caliper = CALIPER_SD * Math.sqrt(var);
        List<long[]> close = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            for (int j = 0; j < n0; j++) {
                double gap = Math.abs(scores[i] - scores[members + j]);
                if (gap <= caliper) {
                    close.add(new long[] {i, j});
                    gaps.add(gap);
                }
            }
        }
        Integer[] order = new Integer[close.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(gaps.get(a), gaps.get(b));
            if (c != 0) {
                return c;
            }
            c = Long.compare(close.get(a)[0], close.get(b)[0]);
            return c != 0 ? c : Long.compare(close.get(a)[1], close.get(b)[1]);
        });
        boolean[] usedMember = new boolean[members];
        boolean[] usedNon = new boolean[n0];
        for (int k : order) {
            int i = (int) close.get(k)[0];
            int j = (int) close.get(k)[1];
            if (!usedMember[i] && !usedNon[j]) {
                usedMember[i] = true;
                usedNon[j] = true;
            }
        }
        return new Pairs(indices(usedMember), indices(usedNon), caliper);
    }

    private static int[] indices(boolean[] used) {
        int[] out = new int[used.length];
        int n = 0;
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
