package org.diffleak.core.shift;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * One-to-one caliper matching on the blind classifier's out-of-fold log-odds (the propensity score of being a
 * member; Rosenbaum &amp; Rubin 1983): the closest member / non-member pair is matched first, then the closest of
 * the rest, and so on, without replacement; no pair further apart than the caliper, 0.2 standard deviations of the
 * pooled log-odds (Austin 2011). The kept candidates are those the blind classifier scores alike.
 *
 * <p>On a line the closest remaining cross pair is always adjacent in the sorted order of the remaining scores,
 * so a heap of adjacent pairs over a linked list of that order finds each in O(log n): O(n log n) time, O(n)
 * memory. Deterministic: at equal gaps the pair further left in the order (scores ascending, ties by member
 * before non-member, then by index) goes first.
 */
public final class PropensityMatching {

    /** The caliper in standard deviations of the pooled log-odds. */
    public static final double CALIPER_SD = 0.2;

    private PropensityMatching() {}

    /** The matched pairs' indices into the members and into the non-members, each ascending. */
    public record Pairs(int[] members, int[] nonMembers, double caliper) {}

    /** @param scores log-odds of the members first, then of the non-members */
    public static Pairs match(double[] scores, int members) {
        int n = scores.length;
        double mean = Arrays.stream(scores).average().orElse(0);
        double var = Arrays.stream(scores).map(s -> (s - mean) * (s - mean)).sum() / Math.max(1, n - 1);
        double caliper = CALIPER_SD * Math.sqrt(var);
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> {
            int c = Double.compare(scores[a], scores[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] at = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int p = 0; p < n; p++) {
            at[p] = boxed[p];
            prev[p] = p - 1;
            next[p] = p + 1 < n ? p + 1 : -1;
        }
        boolean[] taken = new boolean[n];
        PriorityQueue<int[]> heap = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(gap(scores, at, a), gap(scores, at, b));
            return c != 0 ? c : Integer.compare(a[0], b[0]);
        });
        for (int p = 0; p + 1 < n; p++) {
            offer(heap, scores, at, members, caliper, p, p + 1);
        }
        while (!heap.isEmpty()) {
            int[] pair = heap.poll();
            int p = pair[0];
            int q = pair[1];
            if (taken[p] || taken[q] || next[p] != q) {
                continue;
            }
            taken[p] = true;
            taken[q] = true;
            int l = prev[p];
            int r = next[q];
            if (l >= 0) {
                next[l] = r;
            }
            if (r >= 0) {
                prev[r] = l;
            }
            if (l >= 0 && r >= 0) {
                offer(heap, scores, at, members, caliper, l, r);
            }
        }
        boolean[] keptMember = new boolean[members];
        boolean[] keptNon = new boolean[n - members];
        for (int p = 0; p < n; p++) {
            if (taken[p]) {
                if (at[p] < members) {
                    keptMember[at[p]] = true;
                } else {
                    keptNon[at[p] - members] = true;
                }
            }
        }
        return new Pairs(indices(keptMember), indices(keptNon), caliper);
    }

    /** Queues sorted positions p &lt; q as a candidate pair when one is a member, the other not, within the caliper. */
    private static void offer(PriorityQueue<int[]> heap, double[] scores, int[] at, int members, double caliper,
            int p, int q) {
        int[] pair = {p, q};
        if ((at[p] < members) != (at[q] < members) && gap(scores, at, pair) <= caliper) {
            heap.add(pair);
        }
    }

    private static double gap(double[] scores, int[] at, int[] pair) {
        return scores[at[pair[1]]] - scores[at[pair[0]]];
    }

    private static int[] indices(boolean[] kept) {
        int[] out = new int[kept.length];
        int k = 0;
        for (int i = 0; i < kept.length; i++) {
            if (kept[i]) {
                out[k++] = i;
            }
        }
        return Arrays.copyOf(out, k);
    }
}
