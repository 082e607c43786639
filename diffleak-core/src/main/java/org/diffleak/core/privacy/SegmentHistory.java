package org.diffleak.core.privacy;

import java.util.ArrayList;
import java.util.List;

/** The (σ, q, steps) history both accountants keep; consecutive steps with equal σ and q merge. */
abstract class SegmentHistory implements Accountant {

    private final List<Segment> history = new ArrayList<>();

    @Override
    public void step(double noiseMultiplier, double sampleRate, long steps) {
        Segment.validate(noiseMultiplier, sampleRate, steps);
        if (!history.isEmpty()) {
            Segment last = history.get(history.size() - 1);
            if (last.noiseMultiplier() == noiseMultiplier && last.sampleRate() == sampleRate) {
                history.set(history.size() - 1, new Segment(noiseMultiplier, sampleRate, last.steps() + steps));
                return;
            }
        }
        history.add(new Segment(noiseMultiplier, sampleRate, steps));
    }

    @Override
    public List<Segment> history() {
        return List.copyOf(history);
    }

    @Override
    public void restore(List<Segment> segments) {
        history.clear();
        for (Segment s : segments) {
            step(s.noiseMultiplier(), s.sampleRate(), s.steps());
        }
    }
}
