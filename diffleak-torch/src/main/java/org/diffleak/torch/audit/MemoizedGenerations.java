package org.diffleak.torch.audit;

import java.util.HashMap;
import java.util.Map;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;

/**
 * A target whose generations are remembered per (label, steps, seed) for the life of one model's signals:
 * the label-only attack with true and with predicted labels asks for the same images of each label, and
 * an attacker would query them once. Counts only the queries that reach the target.
 */
final class MemoizedGenerations implements BlackBoxTarget {

    private record Key(int label, int steps, long seed) {}

    private final BlackBoxTarget target;
    private final Map<Key, float[]> images = new HashMap<>();

    MemoizedGenerations(BlackBoxTarget target) {
        this.target = target;
    }

    @Override
    public int channels() {
        return target.channels();
    }

    @Override
    public int imageSize() {
        return target.imageSize();
    }

    @Override
    public int height() {
        return target.height();
    }

    @Override
    public int width() {
        return target.width();
    }

    @Override
    public int numClasses() {
        return target.numClasses();
    }

    @Override
    public float[] denoise(float[] x, int[] labels, double strength, int steps, long[] seeds) {
        return target.denoise(x, labels, strength, steps, seeds);
    }

    @Override
    public float[] generate(int[] labels, int steps, long[] seeds) {
        int d = channels() * height() * width();
        float[] out = new float[seeds.length * d];
        int missing = 0;
        for (int i = 0; i < seeds.length; i++) {
            missing += images.containsKey(key(labels, steps, seeds, i)) ? 0 : 1;
        }
        if (missing > 0) {
            int[] y = labels == null ? null : new int[missing];
            long[] s = new long[missing];
            int[] at = new int[missing];
            for (int i = 0, k = 0; i < seeds.length; i++) {
                if (!images.containsKey(key(labels, steps, seeds, i))) {
                    if (y != null) {
                        y[k] = labels[i];
                    }
                    s[k] = seeds[i];
                    at[k++] = i;
                }
            }
            float[] fresh = target.generate(y, steps, s);
            for (int k = 0; k < missing; k++) {
                float[] img = new float[d];
                System.arraycopy(fresh, k * d, img, 0, d);
                images.put(key(labels, steps, seeds, at[k]), img);
            }
        }
        for (int i = 0; i < seeds.length; i++) {
            System.arraycopy(images.get(key(labels, steps, seeds, i)), 0, out, i * d, d);
        }
        return out;
    }

    @Override
    public long queries() {
        return target.queries();
    }

    private static Key key(int[] labels, int steps, long[] seeds, int i) {
        return new Key(labels == null ? -1 : labels[i], steps, seeds[i]);
    }
}
