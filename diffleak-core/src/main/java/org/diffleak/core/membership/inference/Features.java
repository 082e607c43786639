package org.diffleak.core.membership.inference;

/** Input checks shared by the inference models, with messages that name the offending sample and feature. */
final class Features {

    private Features() {}

    /** Checks shadow features and labels; returns d. */
    static int checkTraining(double[][] features, boolean[] members, int minPerClass) {
        if (features.length != members.length) {
            throw new IllegalArgumentException(features.length + " feature vectors but " + members.length
                    + " labels");
        }
        if (features.length == 0) {
            throw new IllegalArgumentException("no shadow samples");
        }
        int d = features[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("feature vectors are empty");
        }
        int pos = 0;
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("sample " + i + " has " + features[i].length
                        + " features, sample 0 has " + d);
            }
            checkFinite(features[i], "sample " + i);
            pos += members[i] ? 1 : 0;
        }
        int neg = members.length - pos;
        if (pos < minPerClass || neg < minPerClass) {
            throw new IllegalArgumentException("needs at least " + minPerClass + " shadow members and "
                    + minPerClass + " non-members, got " + pos + " members and " + neg + " non-members");
        }
        return d;
    }

    /** Checks one vector to score against the fitted dimension. */
    static void checkQuery(double[] features, int d) {
        if (features.length != d) {
            throw new IllegalArgumentException("model was fitted on " + d + " features, got " + features.length);
        }
        checkFinite(features, "query");
    }

    private static void checkFinite(double[] f, String what) {
        for (int j = 0; j < f.length; j++) {
            if (!Double.isFinite(f[j])) {
                throw new IllegalArgumentException(what + ": feature " + j + " is " + f[j]);
            }
        }
    }
}
