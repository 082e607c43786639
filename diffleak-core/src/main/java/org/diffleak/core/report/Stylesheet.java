package org.diffleak.core.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The one stylesheet of every HTML report (the resource report.css), inlined into each page's head. */
final class Stylesheet {

    static final String CSS = load();

    private Stylesheet() {}

    private static String load() {
        try (InputStream in = Stylesheet.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css missing from the DiffLeak jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
