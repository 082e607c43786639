package org.diffleak.core.engine;

import java.util.List;
import java.util.Optional;

/**
 * What the engine check concluded on one host: whether a correct path exists, the path in use, the host
 * it ran on, and every check it ran on every path it tried (the path in use last).
 */
public record EngineVerdict(boolean ok, String path, String host, List<CheckResult> checks) {

    public EngineVerdict {
        checks = List.copyOf(checks);
    }

    /** The first failed check of a path, if any. */
    public Optional<CheckResult> firstFailure(String pathName) {
        return checks.stream().filter(c -> c.path().equals(pathName) && !c.ok()).findFirst();
    }
}
