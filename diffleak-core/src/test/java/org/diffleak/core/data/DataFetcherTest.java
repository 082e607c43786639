package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void defaultCacheDirIsSet() {
        assertThat(DataFetcher.defaultCacheDir()).isNotNull();
        if (System.getenv("DIFFLEAK_CACHE") == null) {
            assertThat(DataFetcher.defaultCacheDir().endsWith(Path.of(".cache", "diffleak"))).isTrue();
        }
    }
}
