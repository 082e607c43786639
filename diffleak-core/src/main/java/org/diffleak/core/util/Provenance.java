package org.diffleak.core.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Facts about the software and machine that made a result, for manifests and model cards. */
public final class Provenance {

    private Provenance() {}

    /** Java, OS, arch, git revision and time, plus any extra (engine) entries. */
    public static Map<String, String> collect(Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("diffleak", "0.1.0");
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("gitRevision", gitRevision());
        m.put("created", Instant.now().toString());
        m.putAll(extra);
        return m;
    }

    static String gitRevision() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return out;
                }
            }
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }
}
