package org.diffleak.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same training command with the same seed and thread count gives bit-identical weights in two processes:
 * one on an idle machine, one beside a busy loop on every core, in a smaller heap, with a garbage collection
 * asked for every millisecond. Before {@link org.diffleak.torch.engine.Scalar} this failed: a product or
 * quotient with a number read its operand from Java memory the collector had freed.
 */
class TrainingReplayTest {

    private static final int THREADS = 2;

    @Test
    void twoProcessesOneOfThemLoadedTrainTheSameWeights(@TempDir Path dir) throws Exception {
        String idle = train(dir.resolve("idle"), "-Xmx256m", "quiet");
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> hogs = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "busy-loop-" + i);
            t.setDaemon(true);
            t.start();
            hogs.add(t);
        }
        String loaded;
        try {
            loaded = train(dir.resolve("loaded"), "-Xmx96m", "gc-storm");
        } finally {
            stop.set(true);
            for (Thread t : hogs) {
                t.join();
            }
        }
        assertThat(loaded).isEqualTo(idle);
    }

    /** Runs {@link TrainingReplay} in a child JVM; returns the weights' SHA-256. */
    private static String train(Path out, String heap, String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, heap, "-XX:+UseSerialGC", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + THREADS, "-Dai.djl.pytorch.num_interop_threads=1"));
        String path = System.getProperty(TorchRuntime.PATH_PROPERTY);
        if (path != null) {
            cmd.add("-D" + TorchRuntime.PATH_PROPERTY + "=" + path);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainingReplay.class.getName(),
                out.toString(), mode));
        Files.createDirectories(out);
        Path log = out.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the training child ran past 10 minutes: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        return output.lines().filter(l -> l.startsWith("sha256 ")).findFirst()
                .orElseThrow(() -> new AssertionError("no checksum in: " + output));
    }
}
