package org.diffleak.core.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One known-answer check of one engine path: the float32 result's error relative to the float64 reference
 * ({@link ReferenceOps#relativeError}); rel_error is null in JSON when the result held NaN or infinity.
 */
public record CheckResult(String name, String path, @JsonProperty("rel_error") Double relError, boolean ok) {

    /** The relative error every check must stay under: float32 rounding is ~1e-6 on these sizes. */
    public static final double TOLERANCE = 1e-4;

    @JsonCreator
    public CheckResult {}

    public static CheckResult of(String name, String path, double relError) {
        boolean finite = Double.isFinite(relError);
        return new CheckResult(name, path, finite ? relError : null, finite && relError <= TOLERANCE);
    }

    /** "conv 32→1 k3 s1 input gradient (onednn): rel. error 0.94" or "...: NaN or infinity". */
    public String describe() {
        return name + " (" + path + "): " + (relError == null ? "NaN or infinity" : String.format("rel. error %.2g", relError));
    }
}
