package org.diffleak.core.report;

import java.util.List;
import java.util.Objects;

/**
 * The attacked model as the report describes it.
 *
 * @param name a short name, e.g. the model file or config name
 * @param facts what a reviewer needs to judge the numbers: dataset, members, training steps, ε if private
 */
public record TargetSummary(String name, List<Fact> facts) {

    public TargetSummary {
        Objects.requireNonNull(name, "name");
        facts = Fact.uniqueCopy(facts, "target facts");
    }
}
