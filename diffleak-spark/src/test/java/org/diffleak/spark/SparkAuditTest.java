package org.diffleak.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diffleak.cli.Cli.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.diffleak.cli.Cli.Run;
import org.diffleak.cli.SquareImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * `diffleak audit --spark local[2]` against the single-process audit on a small from-scratch job with real
 * models (two shadows, every attack): the same scores.csv byte for byte, with a local cache and with a file://
 * URI cache. The test JVM and every task run one intra-op thread (surefire's argLine).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkAuditTest {

    @TempDir
    static Path dir;
    static Path config;

    /** The small audit on {@link SquareImages}: 120 per class. */
    @BeforeAll
    static void fixtures() throws IOException {
        Path images = SquareImages.write(dir.resolve("images"), 120);
        config = dir.resolve("spark-test.yaml");
        Files.writeString(config, """
                name: spark-test
                scenario: from-scratch
                data: {dataset: folder, path: %s, attributes: null, channels: 1, size: 16, split: all, limit: 0}
                splits: {members: 12, nonMembers: 12, auxiliary: 60, seed: 3}
                base: null
                model: {channels: 1, imageSize: 16, baseWidth: 8, multipliers: [1, 2], resBlocks: 1,
                        attention: false, numClasses: 0, groups: 4}
                schedule: {kind: linear, steps: 1000, betaStart: 1.0e-4, betaEnd: 0.02}
                target:
                  members: 12
                  classes: 2
                  train: {steps: 12, batchSize: 12, learningRate: 3.0e-3, warmupSteps: 2, weightDecay: 0.0,
                          gradClip: 1.0, emaDecay: 0.5, labelDropout: 0.1, checkpointEvery: 6, seed: 5}
                shadows: 2
                candidates: 12
                nullTarget: false
                attacks:
                  loss: {t: 100, repeats: 1}
                  pia: {t: 200}
                  pian: {t: 200}
                  secmi: {t: 100, stride: 20}
                  reconstruction: {strength: 0.2, steps: 3, noisings: 1}
                  generation: {generations: 4, steps: 3}
                  labels: ["true", "predicted"]
                  metric: ssim
                  batch: 64
                encoder: {images: 40, steps: 10, batchSize: 16, learningRate: 2.0e-3, seed: 5}
                ablations: []
                seed: 1
                """.formatted(images));
    }

    @Test
    @Order(1)
    void sparkTasksGiveTheSingleProcessScoresBitForBit() throws IOException {
        Run single = run("audit", "--config", config.toString(), "--out", dir.resolve("single").toString(),
                "--cache", dir.resolve("cache-single").toString());
        assertThat(single.code()).as(single.err() + single.out()).isZero();
        Run spark = run("audit", "--config", config.toString(), "--out", dir.resolve("spark").toString(),
                "--cache", dir.resolve("cache-spark").toString(), "--spark", "local[2]");
        assertThat(spark.code()).as(spark.err() + spark.out()).isZero();
        assertThat(spark.out()).contains("spark: 3 role(s) as tasks on local[2]", "shadow 2: training on 12 images");
        // the driver's own pass found every role's model cached by the tasks
        assertThat(spark.out()).contains("target: cached", "shadow 1: cached", "shadow 2: cached");
        assertThat(Files.readString(dir.resolve("spark/scores.csv")))
                .isEqualTo(Files.readString(dir.resolve("single/scores.csv")));
    }

    /** A file:// cache holding the models but no signals: the tasks pull the models, push the signals back. */
    @Test
    @Order(2)
    void aFileUriCacheServesModelsAndReceivesSignals() throws IOException {
        Path remote = dir.resolve("remote");
        copyTree(dir.resolve("cache-spark"), remote);
        deleteTree(remote.resolve("signals"));
        Run spark = run("audit", "--config", config.toString(), "--out", dir.resolve("spark-uri").toString(),
                "--cache", remote.toUri().toString(), "--spark", "local[2]");
        assertThat(spark.code()).as(spark.err() + spark.out()).isZero();
        assertThat(spark.out()).doesNotContain("training on").contains("shadow 1: loss attack on");
        assertThat(Files.readString(dir.resolve("spark-uri/scores.csv")))
                .isEqualTo(Files.readString(dir.resolve("single/scores.csv")));
        try (Stream<Path> s = Files.walk(remote)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertThat(names).noneMatch(n -> n.startsWith(".") || n.endsWith(".crc") || n.endsWith(".tmp"));
        }
        try (Stream<Path> s = Files.list(remote.resolve("signals"))) {
            assertThat(s.count()).isEqualTo(Files.list(dir.resolve("cache-spark/signals")).count());
        }
    }

    @Test
    void aMalformedMasterIsOneLineAndExitTwo() {
        Run r = run("audit", "--config", config.toString(), "--out", dir.resolve("bad").toString(), "--cache",
                dir.resolve("cache-bad").toString(), "--spark", "local[0]");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("diffleak: error: --spark: 'local[0]' is not a Spark master URL"
                + " (local[N], local[*], spark://HOST:PORT, yarn, k8s://URL, or no value under spark-submit)");
    }

    @Test
    void sparkWithoutAMasterOutsideSparkSubmitIsOneLine() {
        Run r = run("audit", "--config", config.toString(), "--out", dir.resolve("bad").toString(), "--cache",
                dir.resolve("cache-bad").toString(), "--spark");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--spark without a master runs under spark-submit");
    }

    @Test
    void aCacheOnAnUnknownFilesystemIsOneLine() {
        Run r = run("audit", "--config", config.toString(), "--out", dir.resolve("bad").toString(), "--cache",
                "nosuchfs://host/cache", "--spark", "local[1]");
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).startsWith("diffleak: error: cache nosuchfs://host/cache: cannot reach:")
                .doesNotContain("\n");
    }

    @Test
    void aUriCacheWithoutSparkIsRefused() {
        Run r = run("audit", "--config", config.toString(), "--cache", "file:///tmp/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("a URI cache needs --spark");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
