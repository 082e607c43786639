package org.diffleak.core.membership.inference;

/**
 * Turns attack features into membership scores with a model fitted on shadow models, where membership is known;
 * the target's own labels never enter a fit. Each candidate is a vector of d features (e.g. pixel distance, SSIM,
 * encoder cosine similarity), label true = member.
 */
public interface MembershipInference {

    /** A short stable name for reports, e.g. "threshold". */
    String name();

    /**
     * Fits on shadow features [n][d] and labels [n]. Throws {@link IllegalArgumentException} on mismatched
     * lengths, ragged rows, non-finite values or a missing class.
     */
    Fitted fit(double[][] features, boolean[] members);

    /** A fitted model, immutable and safe to share between threads. */
    interface Fitted {

        /** The number of features d the model was fitted on. */
        int dimension();

        /** Higher = more likely a member, always. Throws on a vector of the wrong length or a non-finite value. */
        double score(double[] features);

        /** The model's own decision, from the shadow data only. */
        boolean isMember(double[] features);

        default double[] scoreAll(double[][] features) {
            double[] s = new double[features.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = score(features[i]);
            }
            return s;
        }
    }
}
