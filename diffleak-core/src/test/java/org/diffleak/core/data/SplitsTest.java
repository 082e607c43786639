package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitsTest {

    @TempDir
    Path dir;

    @Test
    void setsAreDisjointAndCoverTheDataset() {
        Splits s = Splits.create(1000, 300, 200, 100, 42);
        assertThat(s.members()).hasSize(300);
        assertThat(s.nonMembers()).hasSize(200);
        assertThat(s.auxiliary()).hasSize(100);
        assertThat(s.publicIdx()).hasSize(400);
        int[] all = concat(s.members(), s.nonMembers(), s.auxiliary(), s.publicIdx());
        Arrays.sort(all);
        assertThat(all).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(s.members()).isSorted();
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.datasetSize()).isEqualTo(1000);
    }

    private static int[] concat(int[] first, int[]... rest) {
        IntStream s = IntStream.of(first);
        for (int[] r : rest) {
            s = IntStream.concat(s, IntStream.of(r));
        }
        return s.toArray();
    }

    @Test
    void seedDecidesTheSplit() {
        assertThat(Splits.create(500, 100, 100, 50, 7)).isEqualTo(Splits.create(500, 100, 100, 50, 7));
        assertThat(Splits.create(500, 100, 100, 50, 8).members())
                .isNotEqualTo(Splits.create(500, 100, 100, 50, 7).members());
    }

    @Test
    void sizesMustFit() {
        assertThatThrownBy(() -> Splits.create(100, 60, 30, 20, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the dataset size 100");
        assertThatThrownBy(() -> Splits.create(100, -1, 30, 20, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-negative");
        assertThat(Splits.create(100, 60, 30, 10, 1).publicIdx()).isEmpty();
    }

    @Test
    void roundTripsThroughJson() {
        Splits s = Splits.create(300, 50, 40, 30, 99);
        Path file = dir.resolve("sub/splits.json");
        s.save(file);
        assertThat(Splits.load(file)).isEqualTo(s);
        Splits other = Splits.create(300, 10, 10, 10, 5);
        other.save(file);
        assertThat(Splits.load(file)).isEqualTo(other);
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void loadRejectsOverlappingOrBrokenFiles() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"seed\":1,\"datasetSize\":3,\"publicIdx\":[0],\"members\":[0,1],"
                + "\"nonMembers\":[2],\"auxiliary\":[]}");
        assertThatThrownBy(() -> Splits.load(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("bad.json")
                .hasMessageContaining("index 0 is in more than one split");
        Files.writeString(file, "{\"seed\":1,\"datasetSize\":3}");
        assertThatThrownBy(() -> Splits.load(file))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("bad.json");
        assertThatThrownBy(() -> Splits.load(dir.resolve("absent.json")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("absent.json: no such file");
    }
}
