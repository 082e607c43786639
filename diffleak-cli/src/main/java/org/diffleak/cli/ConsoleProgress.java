package org.diffleak.cli;

import java.io.PrintWriter;
import org.diffleak.core.util.ProgressListener;

/**
 * A progress bar (task, bar, done/total, status, ETA) redrawn in place on a terminal; plain log lines at
 * most every 10 seconds (and at the end) when output is not a terminal.
 */
final class ConsoleProgress implements ProgressListener {

    private final PrintWriter out;
    private final boolean terminal;
    private String task;
    private long total;
    private long startDone;
    private long startNanos;
    private long lastPrint;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static ConsoleProgress forConsole(PrintWriter out) {
        return new ConsoleProgress(out, System.console() != null && System.getenv("CI") == null);
    }

    @Override
    public void start(String name, long totalUnits) {
        task = name;
        total = totalUnits;
        startDone = -1;
        startNanos = System.nanoTime();
        lastPrint = 0;
    }

    @Override
    public void update(long done, String status) {
        long now = System.nanoTime();
        if (startDone < 0) {
            startDone = done;
            startNanos = now;
        }
        boolean last = done >= total;
        if (!terminal && !last && now - lastPrint < 10_000_000_000L) {
            return;
        }
        if (terminal && !last && now - lastPrint < 100_000_000L) {
            return;
        }
        lastPrint = now;
        double secs = (now - startNanos) / 1e9;
        long since = done - startDone;
        String eta = since > 0 ? formatSeconds(secs / since * (total - done)) : "?";
        String line = String.format("%s %s %d/%d %s ETA %s", task, bar(done), done, total, status, eta);
        if (terminal) {
            out.print("\r" + line + "\033[K");
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void finish(String summary) {
        out.println(summary);
        out.flush();
    }

    private String bar(long done) {
        int width = 24;
        int fill = total > 0 ? (int) Math.min(width, done * width / total) : width;
        return "[" + "#".repeat(fill) + "-".repeat(width - fill) + "]";
    }

    static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
