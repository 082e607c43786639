package org.diffleak.torch.audit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.Fact;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.Provenance;
import org.diffleak.torch.runtime.TorchRuntime;

/** manifest.json beside an audit report: what was asked, the cache, provenance, where it ran and how long. */
public final class AuditManifest {

    private AuditManifest() {}

    /**
     * @param key "config" for an audit DiffLeak trains, "request" for an audit of the user's model
     * @param t0 {@link System#nanoTime()} at the audit's start
     */
    public static void write(Path dir, String key, Object settings, Path cache, AuditReport report, long t0) {
        write(dir, key, settings, cache.toAbsolutePath().toString(), report, t0);
    }

    /**
     * The same with the cache as written: a local directory or a Hadoop filesystem URI (audits on Spark).
     *
     * @param t0 {@link System#nanoTime()} at the audit's start
     */
    public static void write(Path dir, String key, Object settings, String cache, AuditReport report, long t0) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put(key, settings);
        manifest.put("cache", cache);
        manifest.put("provenance", Provenance.collect(TorchRuntime.versions()));
        manifest.put("computed_on", Fact.asMap(report.computedOn()));
        manifest.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        Json.write(dir.resolve("manifest.json"), manifest);
    }
}
