package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFetcherTest {

    @TempDir
    Path cache;

    @Test
    void unknownDatasetListsTheKnownOnes() {
        assertThatThrownBy(() -> DataFetcher.fetch("cifar-10", cache, new PrintWriter(new StringWriter())))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("unknown dataset 'cifar-10'")
                .hasMessageContaining("fashion-mnist, mnist");
    }

    @Test
    void mnistAlreadyInTheCacheIsReturnedAsIs() throws IOException {
        Path pkg = MnistJsonReaderTest.fakePackage(cache.resolve("mnist"));
        StringWriter log = new StringWriter();
        Path got = DataFetcher.fetch("mnist", cache, new PrintWriter(log));
        assertThat(got).isEqualTo(pkg);
        assertThat(log.toString()).contains("present in");
        assertThat(MnistJsonReader.read(got).size()).isEqualTo(55);
        try (var listing = Files.list(cache)) {
            assertThat(listing).containsExactly(cache.resolve("mnist"));
        }
    }

    @Test
    void tableAlreadyInTheCacheIsReturnedAsIs() throws IOException {
        Path csv = DataFetcher.tablePath("wa-churn", cache);
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "gender,tenure\nFemale,1\n");
        StringWriter log = new StringWriter();
        assertThat(DataFetcher.fetch("wa-churn", cache, new PrintWriter(log))).isEqualTo(csv);
        assertThat(log.toString()).isEqualTo("wa-churn: present in " + csv + System.lineSeparator());
    }

    @Test
    void exportCommandLoadsTheModeldataObjectAndWritesPlainCsv() {
        assertThat(DataFetcher.exportCommand("wa_churn", Path.of("/tmp/x.csv"))).containsExactly("Rscript", "--vanilla",
                "-e", "data('wa_churn', package = 'modeldata'); write.csv(wa_churn, file = commandArgs(trailingOnly"
                        + " = TRUE)[1], row.names = FALSE, na = '')", "/tmp/x.csv");
        assertThat(DataFetcher.MODELDATA_TABLES).containsEntry("attrition", "attrition")
                .containsEntry("credit-data", "credit_data");
    }

    /** Runs the real export where R's modeldata is installed (apt-get install r-cran-modeldata), else skips. */
    @Test
    void exportsAttritionWhereModeldataIsInstalled() throws IOException {
        assumeTrue(Files.isDirectory(DataFetcher.R_SITE_LIBRARY.resolve("modeldata"))
                && Files.isExecutable(Path.of("/usr/bin/Rscript")), "r-cran-modeldata is not installed");
        Path csv = DataFetcher.fetch("attrition", cache, new PrintWriter(new StringWriter()));
        assertThat(csv).isEqualTo(DataFetcher.tablePath("attrition", cache));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(1471);
        assertThat(lines.get(0)).startsWith("\"Age\",\"Attrition\"");
        try (var listing = Files.list(csv.getParent())) {
            assertThat(listing).containsExactly(csv);
        }
    }

    @Test
    void defaultCacheDirIsSet() {
        assertThat(DataFetcher.defaultCacheDir()).isNotNull();
        if (System.getenv("DIFFLEAK_CACHE") == null) {
            assertThat(DataFetcher.defaultCacheDir().endsWith(Path.of(".cache", "diffleak"))).isTrue();
        }
    }
}
