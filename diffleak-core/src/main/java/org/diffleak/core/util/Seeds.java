package org.diffleak.core.util;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Seeds derived per component from one master seed (Tribuo style), so a run replays exactly and adding
 * a component elsewhere does not shift another's draws. Derivation is a pure function of (seed, path),
 * so a resumed run rebuilds the same generators from the step counter alone.
 */
public final class Seeds {

    private final long seed;

    private Seeds(long seed) {
        this.seed = seed;
    }

    public static Seeds of(long master) {
        return new Seeds(master);
    }

    public long seed() {
        return seed;
    }

    /** The seed tree's child named `name`. */
    public Seeds child(String name) {
        long h = seed;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        return new Seeds(mix(h + 0x9E3779B97F4A7C15L));
    }

    /** The seed tree's child numbered `index` (a step, an epoch, an image). */
    public Seeds child(long index) {
        return new Seeds(mix(mix(seed ^ 0xD1B54A32D192ED03L) + index));
    }

    public SplittableRandom random() {
        return new SplittableRandom(seed);
    }

    /** SplitMix64 finaliser (Steele, Lea &amp; Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fills dst with standard normal draws (Box–Muller on the generator's doubles). */
    public static void gaussian(RandomGenerator rng, float[] dst) {
        int i = 0;
        while (i < dst.length) {
            double u1 = rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(1.0 - u1));
            double a = 2.0 * Math.PI * u2;
            dst[i++] = (float) (r * Math.cos(a));
            if (i < dst.length) {
                dst[i++] = (float) (r * Math.sin(a));
            }
        }
    }

    /** A seeded Fisher–Yates permutation of 0..n−1. */
    public static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
