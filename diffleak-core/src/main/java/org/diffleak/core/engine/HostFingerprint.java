package org.diffleak.core.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an engine verdict depends on: the CPU (model name and feature flags from /proc/cpuinfo), the native
 * library versions, the thread count and the oneDNN ISA cap, each in the key under which the verdict is
 * cached; a change of any of them runs the check again.
 */
public record HostFingerprint(String cpuModel, String cpuFlags, Map<String, String> engine) {

    public HostFingerprint {
        engine = Collections.unmodifiableMap(new LinkedHashMap<>(engine));
    }

    /** The running machine's CPU, plus the engine facts the caller passes (versions, threads, ISA cap). */
    public static HostFingerprint current(Map<String, String> engine) {
        String model = System.getProperty("os.arch");
        String flags = "";
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
            model = field(lines, "model name", model);
            flags = field(lines, "flags", flags);
        } catch (IOException | SecurityException e) {
            // no /proc (not Linux): the architecture names the host, and the check runs each time flags change
        }
        return new HostFingerprint(model, flags, engine);
    }

    private static String field(List<String> lines, String name, String fallback) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return fallback;
    }

    /** A short name for reports: "AMD EPYC, pytorch 2.7.1, 2 threads". */
    public String describe() {
        StringBuilder s = new StringBuilder(cpuModel);
        engine.forEach((k, v) -> s.append(", ").append(k).append(' ').append(v));
        return s.toString();
    }

    /** SHA-256 of every field: the verdict cache's file name. */
    public String key() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((cpuModel + "\n" + cpuFlags + "\n" + new TreeMap<>(engine)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
