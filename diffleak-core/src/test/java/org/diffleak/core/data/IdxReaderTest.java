package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** Writes an IDX file: magic, dimensions, then the bytes. */
    static void writeIdx(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(buf.toByteArray());
        }
    }

    /** Three 2×3 images with pixel bytes 0, 1, …, 17 scaled so the last one is 255. */
    private static byte[] pixelBytes() {
        byte[] px = new byte[18];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 15);
        }
        return px;
    }

    private void writePair(String images, String labels, boolean gzip) throws IOException {
        writeIdx(dir.resolve(images), 0x803, new int[] {3, 2, 3}, pixelBytes(), gzip);
        writeIdx(dir.resolve(labels), 0x801, new int[] {3}, new byte[] {7, 0, (byte) 200}, gzip);
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        writePair("img", "lab", false);
        writePair("img.gz", "lab.gz", true);
        for (String suffix : new String[] {"", ".gz"}) {
            ImageDataset ds = IdxReader.read(dir.resolve("img" + suffix), dir.resolve("lab" + suffix), "tiny");
            assertThat(ds.size()).isEqualTo(3);
            assertThat(ds.channels()).isEqualTo(1);
            assertThat(ds.height()).isEqualTo(2);
            assertThat(ds.width()).isEqualTo(3);
            assertThat(ds.labels()).containsExactly(7, 0, 200);
            assertThat(ds.pixels()[0]).isEqualTo(0f);
            assertThat(ds.pixels()[1]).isEqualTo(15 / 255f);
            assertThat(ds.pixels()[17]).isEqualTo(1f);
            assertThat(ds.name()).isEqualTo("tiny");
        }
    }

    @Test
    void wrongMagicNamesTheFile() throws IOException {
        writeIdx(dir.resolve("bad-images"), 0x801, new int[] {3}, new byte[3], false);
        writeIdx(dir.resolve("lab"), 0x801, new int[] {3}, new byte[3], false);
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("bad-images"), dir.resolve("lab"), "x"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("bad-images")
                .hasMessageContaining("not an IDX image file (magic 0x00000801)");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        writeIdx(dir.resolve("img"), 0x803, new int[] {3, 2, 3}, pixelBytes(), false);
        writeIdx(dir.resolve("short-labels"), 0x801, new int[] {2}, new byte[2], false);
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("img"), dir.resolve("short-labels"), "x"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("3 images but")
                .hasMessageContaining("short-labels has 2 labels");
    }

    @Test
    void truncatedDataIsReported() throws IOException {
        writeIdx(dir.resolve("cut-images"), 0x803, new int[] {3, 2, 3}, Arrays.copyOf(pixelBytes(), 10), false);
        writeIdx(dir.resolve("lab"), 0x801, new int[] {3}, new byte[3], false);
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("cut-images"), dir.resolve("lab"), "x"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("cut-images: truncated");
    }

    @Test
    void truncatedGzipIsReported() throws IOException {
        byte[] many = new byte[100 * 28 * 28];
        new java.util.Random(1).nextBytes(many);
        Path full = dir.resolve("full.gz");
        writeIdx(full, 0x803, new int[] {100, 28, 28}, many, true);
        byte[] gz = Files.readAllBytes(full);
        Path half = dir.resolve("half-images.gz");
        Files.write(half, Arrays.copyOf(gz, gz.length / 2));
        writeIdx(dir.resolve("lab"), 0x801, new int[] {100}, new byte[100], false);
        assertThatThrownBy(() -> IdxReader.read(half, dir.resolve("lab"), "x"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("half-images.gz: truncated");
    }

    @Test
    void missingFashionMnistSaysHowToFetch() {
        assertThatThrownBy(() -> IdxReader.readFashionMnist(dir, false))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("diffleak data fetch fashion-mnist")
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void fashionMnistAcceptsNamesWithoutGz() throws IOException {
        writePair("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", false);
        ImageDataset ds = IdxReader.readFashionMnist(dir, false);
        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.name()).isEqualTo("fashion-mnist-test");
    }

    @Test
    void readsTheRealFashionMnistTestSplit() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST_DIR), "Fashion-MNIST not installed");
        ImageDataset ds = IdxReader.readFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR, false);
        assertThat(ds.size()).isEqualTo(10000);
        assertThat(ds.height()).isEqualTo(28);
        assertThat(ds.width()).isEqualTo(28);
        int[] counts = new int[10];
        for (int label : ds.labels()) {
            counts[label]++;
        }
        assertThat(counts).containsOnly(1000);
        assertThat(IdxReader.FASHION_MNIST_CLASSES).hasSize(ds.numClasses());
    }
}
