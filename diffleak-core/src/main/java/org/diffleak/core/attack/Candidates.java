package org.diffleak.core.attack;

import org.diffleak.core.blackbox.BlackBoxTarget;
import org.diffleak.core.data.DataException;
import org.diffleak.core.data.ImageDataset;

/** Shape checks and batching of candidate images for the black-box attacks. */
final class Candidates {

    private Candidates() {}

    static void check(BlackBoxTarget target, ImageDataset candidates, int[] labels) {
        if (candidates.channels() != target.channels() || candidates.height() != target.imageSize()
                || candidates.width() != target.imageSize()) {
            throw new DataException(candidates.name() + ": images are " + candidates.channels() + "x"
                    + candidates.height() + "x" + candidates.width() + ", the target takes " + target.channels()
                    + "x" + target.imageSize() + "x" + target.imageSize());
        }
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
