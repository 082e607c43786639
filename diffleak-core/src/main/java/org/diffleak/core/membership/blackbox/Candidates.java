package org.diffleak.core.membership.blackbox;

import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.data.ImageDataset;

/** Shape checks and batching of candidate images for the black-box attacks. */
final class Candidates {

    private Candidates() {}

    static void check(BlackBoxTarget target, ImageDataset candidates, int[] labels) {
        candidates.requireShape(target.channels(), target.height(), target.width());
        if (labels != null && labels.length != candidates.size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + candidates.size() + " candidates");
        }
    }

    static float[] pixels(ImageDataset data, int from, int count) {
        int d = data.imageSize();
        float[] px = new float[count * d];
        for (int i = 0; i < count; i++) {
            data.copyImage(from + i, px, i * d);
        }
        return px;
    }

    static int[] slice(int[] labels, int from, int count) {
        if (labels == null) {
            return null;
        }
        int[] y = new int[count];
        System.arraycopy(labels, from, y, 0, count);
        return y;
    }
}
