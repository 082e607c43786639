package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A privacy tool makes no network call it was not asked to make: a small train + sample runs inside a
 * network namespace with no interfaces at all (`unshare -n`, or `unshare -rn` without root).
 */
class OfflineTest {

    static List<String> unshare() throws IOException, InterruptedException {
        for (List<String> prefix : List.of(List.of("unshare", "-n"), List.of("unshare", "-rn"))) {
            List<String> probe = new ArrayList<>(prefix);
            probe.add("true");
            try {
                Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return prefix;
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    int runIsolated(List<String> prefix, Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void trainAndSampleWithNoNetworkAtAll(@TempDir Path dir) throws Exception {
        List<String> prefix = unshare();
        assumeTrue(prefix != null, "unshare cannot make a network namespace here");
        Path job = TinyJob.write(dir);
        Path log = dir.resolve("offline.log");
        Path run = dir.resolve("run");
        int train = runIsolated(prefix, log, "train", "--config", job.toString(), "--out", run.toString(),
                "--steps", "3");
        assertThat(train).as(Files.readString(log)).isZero();
        int sample = runIsolated(prefix, log, "sample", "-m", run.resolve("model").toString(), "-n", "4",
                "--steps", "3", "-o", dir.resolve("s.png").toString());
        assertThat(sample).as(Files.readString(log)).isZero();
        assertThat(Files.size(dir.resolve("s.png"))).isPositive();
    }
}
