package org.diffleak.core.config;

import org.diffleak.core.diffusion.NoiseSchedule;

/** Serializable description of a {@link NoiseSchedule}. */
public record ScheduleConfig(String kind, int steps, double betaStart, double betaEnd) {

    public static ScheduleConfig defaultLinear() {
        return new ScheduleConfig("linear", 1000, 1e-4, 0.02);
    }

    public NoiseSchedule build() {
        NoiseSchedule.Kind k = switch (kind.toLowerCase()) {
            case "linear" -> NoiseSchedule.Kind.LINEAR;
            case "cosine" -> NoiseSchedule.Kind.COSINE;
            default -> throw new IllegalArgumentException("unknown schedule '" + kind + "' (linear or cosine)");
        };
        return NoiseSchedule.of(k, steps, betaStart, betaEnd);
    }
}
