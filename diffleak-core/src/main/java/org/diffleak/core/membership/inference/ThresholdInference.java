package org.diffleak.core.membership.inference;

import java.util.Arrays;

/**
 * One feature against a threshold set on the shadow models: the threshold maximising the shadow balanced accuracy
 * (TPR + TNR)/2, found exactly by scanning the midpoints between consecutive distinct shadow values.
 *
 * @param feature index of the feature used
 * @param higherIsMember true when larger values mean member (e.g. SSIM); false for distances
 */
public record ThresholdInference(int feature, boolean higherIsMember) implements MembershipInference {

    public ThresholdInference {
        if (feature < 0) {
            throw new IllegalArgumentException("feature index must be ≥ 0, got " + feature);
        }
    }

    /** Feature 0, higher = member. */
    public ThresholdInference() {
        this(0, true);
    }

    @Override
    public String name() {
        return "threshold";
    }

    /**
     * Among thresholds with equal balanced accuracy the one calling the most candidates members wins; with no
     * threshold above 0.5 every candidate is a member (threshold −∞, or +∞ when lower is member).
     */
    @Override
    public Fitted fit(double[][] features, boolean[] members) {
        int d = Features.checkTraining(features, members, 1);
        if (feature >= d) {
            throw new IllegalArgumentException("feature index " + feature + " but samples have " + d + " features");
        }
        double sign = higherIsMember ? 1 : -1;
        int n1 = 0;
        for (boolean m : members) {
            n1 += m ? 1 : 0;
        }
        int n0 = members.length - n1;
        // scores s = sign·value, sorted per class; a candidate is a member when s ≥ τ
        double[] pos = new double[n1];
        double[] neg = new double[n0];
        for (int i = 0, p = 0, q = 0; i < members.length; i++) {
            double s = sign * features[i][feature];
            if (members[i]) {
                pos[p++] = s;
            } else {
                neg[q++] = s;
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double bestTau = Double.NEGATIVE_INFINITY;
        double best = 0.5;
        int tp = n1;
        int tn = 0;
        int i = 0;
        int j = 0;
        double u = Math.min(head(pos, 0), head(neg, 0));
        while (true) {
            // move the distinct value u below the threshold
            for (; i < n1 && pos[i] == u; i++) {
                tp--;
            }
            for (; j < n0 && neg[j] == u; j++) {
                tn++;
            }
            double next = Math.min(head(pos, i), head(neg, j));
            if (next == Double.POSITIVE_INFINITY) {
                break; // above the largest value nobody is a member: balanced accuracy 0.5 again
            }
            double ba = ((double) tp / n1 + (double) tn / n0) / 2;
            if (ba > best) {
                best = ba;
                bestTau = midpoint(u, next);
            }
            u = next;
        }
        return new Fitted(feature, higherIsMember, sign * bestTau, best, d);
    }

    /** sorted[i], or +∞ past the end (features are finite). */
    private static double head(double[] sorted, int i) {
        return i < sorted.length ? sorted[i] : Double.POSITIVE_INFINITY;
    }

    /** A value strictly above u and at most next (u and next adjacent doubles: next itself). */
    private static double midpoint(double u, double next) {
        double m = u / 2 + next / 2;
        return m > u ? m : next;
    }

    /**
     * @param threshold in the feature's own units: member when value ≥ threshold (≤ when lower is member)
     * @param balancedAccuracy the shadow balanced accuracy at that threshold
     */
    public record Fitted(int feature, boolean higherIsMember, double threshold, double balancedAccuracy,
            int dimension) implements MembershipInference.Fitted {

        /** The feature's value, negated when lower is member, so that AUC needs no threshold. */
        @Override
        public double score(double[] features) {
            Features.checkQuery(features, dimension);
            return higherIsMember ? features[feature] : -features[feature];
        }

        @Override
        public boolean isMember(double[] features) {
            Features.checkQuery(features, dimension);
            double v = features[feature];
            return higherIsMember ? v >= threshold : v <= threshold;
        }
    }
}
