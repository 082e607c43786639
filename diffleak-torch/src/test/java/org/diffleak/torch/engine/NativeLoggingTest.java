package org.diffleak.torch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** libtorch's per-call warnings stay off stderr in every JVM that starts the engine the way the launcher does. */
class NativeLoggingTest {

    private record Run(int exit, String stdout, List<String> stderr) {}

    /** As {@code ./diffleak} starts the CLI: offline, its heap, this class path; the level unset unless given. */
    private static Run child(int calls, Map<String, String> env) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Xmx1g",
                "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
                BatchOneConvolutions.class.getName(), Integer.toString(calls));
        pb.environment().remove(NativeLogging.LEVEL_ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        return new Run(p.waitFor(), out, err);
    }

    @Test
    void batchOneConvolutionsWriteNoNnpackLineAndNothingPerCall() throws Exception {
        Run one = child(1, Map.of());
        Run many = child(40, Map.of());
        assertThat(many.exit()).as(String.join("\n", many.stderr())).isZero();
        assertThat(many.stdout()).contains("ok 40");
        assertThat(many.stderr()).noneMatch(l -> l.contains("NNPACK"));
        assertThat(many.stderr()).hasSameSizeAs(one.stderr());
    }

    @Test
    void aLevelTheUserSetsIsHonoured() throws Exception {
        Run warnings = child(3, Map.of(NativeLogging.LEVEL_ENV, "WARNING"));
        assertThat(warnings.exit()).isZero();
        // only hosts where NNPACK cannot start have a per-call warning to show
        assumeThat(warnings.stderr()).anyMatch(l -> l.contains("NNPACK"));
        assertThat(warnings.stderr().stream().filter(l -> l.contains("NNPACK")).count()).isGreaterThan(1);
        assertThat(child(3, Map.of(NativeLogging.LEVEL_ENV, "ERROR")).stderr()).noneMatch(l -> l.contains("NNPACK"));
    }
}
