package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diffleak.cli.Cli.run;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.diffleak.cli.Cli.Run;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ModelStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    static Path dir;
    static Path job;

    @BeforeAll
    static void fixtures() throws IOException {
        job = TinyJob.write(dir);
    }

    @Test
    void trainThenSampleThenInfo() throws IOException {
        Path runDir = dir.resolve("run1");
        Run t = run("train", "--config", job.toString(), "--out", runDir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("training cli-test on 48 images");
        assertThat(Files.exists(runDir.resolve("splits.json"))).isTrue();
        assertThat(Files.exists(runDir.resolve("model/model.json"))).isTrue();

        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Path c = dir.resolve("c.png");
        String model = runDir.resolve("model").toString();
        assertThat(run("sample", "-m", model, "-n", "5", "--steps", "5", "--seed", "9", "-o", a.toString()).code()).isZero();
        assertThat(run("sample", "-m", model, "-n", "5", "--steps", "5", "--seed", "9", "-o", b.toString()).code()).isZero();
        assertThat(run("sample", "-m", model, "-n", "5", "--steps", "5", "--seed", "10", "-o", c.toString()).code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
        assertThat(ImageIO.read(a.toFile()).getWidth()).isEqualTo(5 * 10 + 2);

        Run info = run("info", "-m", model);
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("\"kind\" : \"unet-denoiser\"").contains("parameters: ").contains("pytorch");

        Path scores = dir.resolve("scores.csv");
        Run attack = run("attack", "-m", model, "--splits", runDir.resolve("splits.json").toString(), "--dataset",
                "folder", "--data-dir", dir.resolve("images").toString(), "--members", "members", "--non-members",
                "nonmembers", "--attack", "secmi", "--t", "20", "-o", scores.toString(), "--json");
        assertThat(attack.code()).as(attack.err()).isZero();
        assertThat(attack.out()).contains("\"auc\"").contains("SecMI");
        Run roc = run("roc", "--scores", scores.toString(), "--json");
        assertThat(roc.out()).contains("\"members\" : 8");

        Run again = run("train", "--config", job.toString(), "--out", runDir.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a checkpoint").contains("--resume");
    }

    @Test
    void samplesFromAnImportedOnnxDenoiser() throws IOException {
        Path fixtures = dir.resolve("fixtures");
        Files.createDirectories(fixtures);
        for (String f : List.of("tiny_denoiser.onnx", "tiny_denoiser.json")) {
            try (var in = CliTest.class.getResourceAsStream("/fixtures/" + f)) {
                Files.copy(in, fixtures.resolve(f));
            }
        }
        Path png = dir.resolve("onnx.png");
        Run r = run("sample", "-m", fixtures.resolve("tiny_denoiser.onnx").toString(), "-n", "3", "--steps", "4",
                "-o", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(3 * 10 + 2);
    }

    @Test
    void dpTrainingWritesEpsilonIntoTheCard() throws IOException {
        Path runDir = dir.resolve("dp");
        Run t = run("train", "--config", job.toString(), "--out", runDir.toString(), "--dp", "--target-epsilon", "8",
                "--delta", "1e-5", "--clip", "1.0");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.err()).contains("warning: DP noise comes from a seeded generator");
        assertThat(t.out()).contains("-DP with σ");
        Run info = run("info", "-m", runDir.resolve("model").toString());
        assertThat(info.out()).contains("\"privacy\"").contains("\"epsilon\"");
        Run bad = run("train", "--config", job.toString(), "--out", dir.resolve("dp2").toString(), "--dp",
                "--target-epsilon", "8", "--delta", "2");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("δ must be in (0, 1)");
        Run noDp = run("train", "--config", job.toString(), "--out", dir.resolve("dp3").toString(),
                "--target-epsilon", "8");
        assertThat(noDp.err()).contains("need --dp");
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit() throws IOException {
        Run missing = run("sample", "-m", dir.resolve("nope").toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err().strip()).startsWith("diffleak: error:").contains("nope").doesNotContain("\n");

        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve("model.json"), "{ not json");
        Run bad = run("info", "-m", corrupt.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err().strip()).contains("model.json").doesNotContain("\n");

        Run unknown = run("data", "fetch", "cifar");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("cifar");

        Run noFlag = run("sample");
        assertThat(noFlag.code()).isEqualTo(2);
        assertThat(noFlag.err()).contains("--model");
    }

    /** A real SIGKILL mid-training, then --resume: the weights equal an uninterrupted run's. */
    @Test
    void killedTrainingResumesToTheSameWeights() throws Exception {
        Path full = dir.resolve("full");
        assertThat(run("train", "--config", job.toString(), "--out", full.toString(), "--steps", "40",
                "--checkpoint-every", "5").code()).isZero();

        Path killed = dir.resolve("killed");
        // the same intra-op thread count as this JVM: PyTorch splits its reductions by it, so bits depend on it
        String threads = "-Dai.djl.pytorch.num_threads=" + Integer.getInteger("ai.djl.pytorch.num_threads",
                Runtime.getRuntime().availableProcessors());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", threads, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--config", job.toString(), "--out", killed.toString(), "--steps", "40",
                "--checkpoint-every", "5"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        Path latest = killed.resolve("checkpoints/latest.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(latest) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroyForcibly();
        p.waitFor();
        assertThat(Files.exists(killed.resolve("model/model.json")))
                .as("the process must die before finishing for this test to mean anything").isFalse();

        Run resumed = run("train", "--config", job.toString(), "--out", killed.toString(), "--steps", "40",
                "--checkpoint-every", "5", "--resume");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        try (NDManager m = TorchRuntime.newManager();
                ModelStore.Loaded x = ModelStore.load(full.resolve("model"), false, m);
                ModelStore.Loaded y = ModelStore.load(killed.resolve("model"), false, m)) {
            assertThat(y.params().flatten()).containsExactly(x.params().flatten());
        }
    }
}
