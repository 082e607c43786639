package org.diffleak.core.privacy;

import java.util.List;

/** Tracks the privacy loss of a training run as a history of (σ, q, steps) segments. */
public interface Accountant {

    /** Records `steps` more steps at noise multiplier σ and sample rate q. */
    void step(double noiseMultiplier, double sampleRate, long steps);

    /** ε spent so far at this δ. */
    double epsilon(double delta);

    List<Segment> history();

    /** Replaces the history (from a checkpoint). */
    void restore(List<Segment> segments);
}
