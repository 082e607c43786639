package org.diffleak.core.shift;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One-to-one caliper matching on the blind classifier's out-of-fold log-odds (the propensity score of being a
 * member; Rosenbaum &amp; Rubin 1983): greedy nearest-neighbour matching without replacement (Austin 2014), the
 * members taken from the highest log-odds down (the hardest to match first), each paired with the closest
 * non-member not yet taken, and only within the caliper, 0.2 standard deviations of the pooled log-odds (Austin
 * 2011). The kept candidates are those the blind classifier scores alike. Deterministic: ties go to the lower index.
 * O(n log n) time and O(n) memory.
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
        TreeMap<Double, ArrayDeque<Integer>> free = new TreeMap<>();
        for (int j = 0; j < n0; j++) {
            free.computeIfAbsent(scores[members + j], s -> new ArrayDeque<>()).addLast(j);
        }
        Integer[] order = new Integer[members];
        for (int i = 0; i < members; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(scores[b], scores[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean[] keptMember = new boolean[members];
        boolean[] keptNon = new boolean[n0];
        for (int i : order) {
            double s = scores[i];
            Map.Entry<Double, ArrayDeque<Integer>> below = free.floorEntry(s);
            Map.Entry<Double, ArrayDeque<Integer>> above = free.ceilingEntry(s);
            Map.Entry<Double, ArrayDeque<Integer>> best = below == null ? above : above == null ? below
                    : closer(s, below, above);
            if (best == null || Math.abs(best.getKey() - s) > caliper) {
                continue;
            }
            int j = best.getValue().removeFirst();
            if (best.getValue().isEmpty()) {
                free.remove(best.getKey());
            }
            keptMember[i] = true;
            keptNon[j] = true;
        }
        return new Pairs(indices(keptMember), indices(keptNon), caliper);
    }

    /** The entry whose score is closer to s; at equal distance the one holding the lower index. */
    private static Map.Entry<Double, ArrayDeque<Integer>> closer(double s, Map.Entry<Double, ArrayDeque<Integer>> a,
            Map.Entry<Double, ArrayDeque<Integer>> b) {
        int c = Double.compare(Math.abs(a.getKey() - s), Math.abs(b.getKey() - s));
        if (c != 0) {
            return c < 0 ? a : b;
        }
        return a.getValue().peekFirst() <= b.getValue().peekFirst() ? a : b;
    }

    private static int[] indices(boolean[] kept) {
        int[] out = new int[kept.length];
        int n = 0;
        for (int i = 0; i < kept.length; i++) {
            if (kept[i]) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
