package org.diffleak.core.report;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** One labelled value shown in a report (a target property, a setting): text in, text out. */
public record Fact(String key, String value) {

    public Fact {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** The facts as key → value, in order (for manifests). */
    public static Map<String, String> asMap(List<Fact> facts) {
        Map<String, String> m = new LinkedHashMap<>();
        facts.forEach(f -> m.put(f.key(), f.value()));
        return m;
    }

    /** A copy of facts, rejecting a repeated key (results.json writes them as one object). */
    static List<Fact> uniqueCopy(List<Fact> facts, String what) {
        Set<String> seen = new HashSet<>();
        for (Fact f : facts) {
            if (!seen.add(f.key())) {
                throw new IllegalArgumentException(what + ": key '" + f.key() + "' given twice");
            }
        }
        return List.copyOf(facts);
    }
}
