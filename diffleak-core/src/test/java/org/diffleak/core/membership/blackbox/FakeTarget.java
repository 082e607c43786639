package org.diffleak.core.membership.blackbox;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for a diffusion model: denoise halves the image and adds terms from the seed,
 * label, strength and steps; generate paints a constant that depends on the label and seed. It records
 * how many calls overlapped, so tests can check that the server serializes them. Steps 13 make it
 * refuse a request (IllegalArgumentException), steps 666 make it fail (IllegalStateException).
 */
final class FakeTarget implements BlackBoxTarget {

    final int channels;
    final int size;
    final int classes;
    final int length;
    volatile long sleepMillis;
    volatile boolean echo;
    final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private volatile int maxActive;
    private long queries;

    FakeTarget(int channels, int size, int classes) {
        this.channels = channels;
        this.size = size;
        this.classes = classes;
        this.length = channels * size * size;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public float[] denoise(float[] images, int[] labels, double strength, int steps, long[] seeds) {
        enter(steps);
        try {
            int n = images.length / length;
            float[] out = new float[images.length];
            for (int i = 0; i < n; i++) {
                float shift = (seeds[i] & 0xff) / 1024f + (labels == null ? 0 : labels[i] * 0.01f)
                        + (float) strength * 1e-3f + steps * 1e-5f;
                for (int j = 0; j < length; j++) {
                    int k = i * length + j;
                    out[k] = echo ? images[k] : images[k] * 0.5f + shift + j * 1e-6f;
                }
            }
            queries += n;
            return out;
        } finally {
            exit();
        }
    }

    @Override
    public float[] generate(int[] labels, int steps, long[] seeds) {
        enter(steps);
        try {
            int n = seeds.length;
            float[] out = new float[n * length];
            for (int i = 0; i < n; i++) {
                float base = labels == null ? 0.5f : (labels[i] + 1f) / (classes + 1f);
                java.util.Arrays.fill(out, i * length, (i + 1) * length, base + (seeds[i] & 0xf) / 1000f + steps * 1e-5f);
            }
            queries += n;
            return out;
        } finally {
            exit();
        }
    }

    @Override
    public long queries() {
        return queries;
    }

    int maxActive() {
        return maxActive;
    }

    private void enter(int steps) {
        calls.incrementAndGet();
        int now = active.incrementAndGet();
        if (now > maxActive) {
            maxActive = now;
        }
        if (steps == 13) {
            active.decrementAndGet();
            throw new IllegalArgumentException("thirteen steps bring bad luck");
        }
        if (steps == 666) {
            active.decrementAndGet();
            throw new IllegalStateException("the model fell over");
        }
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void exit() {
        active.decrementAndGet();
    }
}
