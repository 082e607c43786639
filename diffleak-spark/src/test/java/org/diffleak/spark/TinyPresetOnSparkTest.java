package org.diffleak.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.cli.Cli;
import org.diffleak.core.data.IdxReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `diffleak audit --preset tiny` (Fashion-MNIST, the committed base fine-tuned) in one process and with
 * `--spark local[2]`: the same scores.csv byte for byte, in every build (about two tiny audits' time, 3 min on 2
 * cores). It needs Debian's dataset-fashion-mnist installed (the test does not install packages);
 * {@link SparkAuditTest} checks the same on generated images wherever the build runs.
 */
class TinyPresetOnSparkTest {

    @TempDir
    Path dir;

    @Test
    void theTinyPresetScoresTheSameOnSpark() throws IOException {
        assumeTrue(Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST_DIR),
                "Fashion-MNIST is not installed (apt install dataset-fashion-mnist)");
        Cli.Run single = Cli.run("audit", "--preset", "tiny", "--out",
                dir.resolve("single").toString(), "--cache", dir.resolve("cache-single").toString());
        assertThat(single.code()).as(single.err() + single.out()).isZero();
        Cli.Run spark = Cli.run("audit", "--preset", "tiny", "--out",
                dir.resolve("spark").toString(), "--cache", dir.resolve("cache-spark").toString(), "--spark",
                "local[2]");
        assertThat(spark.code()).as(spark.err() + spark.out()).isZero();
        assertThat(spark.out()).contains("shadow 2: fine-tuning the base");
        assertThat(Files.readString(dir.resolve("spark/scores.csv")))
                .isEqualTo(Files.readString(dir.resolve("single/scores.csv")));
    }
}
