package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

    @TempDir
    Path dir;

    private static void solid(Path file, int w, int h, Color color, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
    }

    private static float[] image(ImageDataset ds, int i) {
        float[] px = new float[ds.imageSize()];
        ds.copyImage(i, px, 0);
        return px;
    }

    @Test
    void resizesEveryImageToTheTargetInNameOrder() throws IOException {
        solid(dir.resolve("b.png"), 10, 10, new Color(255, 0, 0), "png");
        solid(dir.resolve("a.PNG"), 40, 30, new Color(0, 255, 0), "png");
        solid(dir.resolve("c.jpeg"), 64, 64, new Color(0, 0, 255), "jpeg");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        Files.createDirectories(dir.resolve("ignored-subfolder"));

        ImageDataset ds = ImageFolderReader.read(dir, 3, 16, null);
        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.channels()).isEqualTo(3);
        assertThat(ds.height()).isEqualTo(16);
        assertThat(ds.width()).isEqualTo(16);
        assertThat(ds.labels()).containsExactly(-1, -1, -1);
        float[] a = image(ds, 0);
        float[] b = image(ds, 1);
        float[] c = image(ds, 2);
        int plane = 16 * 16;
        assertThat(a[0]).isEqualTo(0f);
        assertThat(a[plane + 100]).isEqualTo(1f);
        assertThat(b[255]).isEqualTo(1f);
        assertThat(b[plane + 255]).isEqualTo(0f);
        assertThat(c[2 * plane + 17]).isCloseTo(1f, within(0.02f));
        assertThat(c[17]).isCloseTo(0f, within(0.02f));
    }

    @Test
    void convertsColourToLuma() throws IOException {
        solid(dir.resolve("x.png"), 5, 7, new Color(200, 100, 50), "png");
        ImageDataset ds = ImageFolderReader.read(dir, 1, 4, null);
        float luma = (0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f;
        assertThat(ds.channels()).isEqualTo(1);
        for (float v : ds.pixels()) {
            assertThat(v).isCloseTo(luma, within(1e-5f));
        }
    }

    @Test
    void grayImagesKeepTheirStoredValues() throws IOException {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 6; i++) {
            gray.getRaster().setSample(i % 3, i / 3, 0, 40 * i);
        }
        ImageIO.write(gray, "png", dir.resolve("g.png").toFile());
        ImageDataset one = ImageFolderReader.read(dir, 1, 3, null);
        assertThat(one.height()).isEqualTo(3);
        ImageDataset same = ImageFolderReader.read(dir, 3, 2, null);
        assertThat(same.pixels()).hasSize(3 * 2 * 2);
        // 3×2 to 2×2: rows untouched, so column 0 of row 0 blends only source columns 0 and 1
        assertThat(same.pixels()[0]).isEqualTo(same.pixels()[4]).isEqualTo(same.pixels()[8]);
        assertThat(same.pixels()[0]).isBetween(0f, 40 / 255f);
    }

    @Test
    void sameSizeIsExact() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 16; i++) {
            img.setRGB(i % 4, i / 4, new Color(i * 16, 255 - i * 16, 7).getRGB());
        }
        ImageIO.write(img, "png", dir.resolve("grad.png").toFile());
        ImageDataset ds = ImageFolderReader.read(dir, 3, 4, null);
        for (int i = 0; i < 16; i++) {
            assertThat(ds.pixels()[i]).isEqualTo(i * 16 / 255f);
            assertThat(ds.pixels()[16 + i]).isEqualTo((255 - i * 16) / 255f);
            assertThat(ds.pixels()[32 + i]).isEqualTo(7 / 255f);
        }
    }

    @Test
    void shrinkingAveragesNeighbours() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 4; x < 8; x++) {
                img.setRGB(x, y, 0xFFFFFF);
            }
        }
        ImageIO.write(img, "png", dir.resolve("half.png").toFile());
        float[] px = ImageFolderReader.read(dir, 1, 2, null).pixels();
        assertThat(px[0]).isLessThan(0.5f).isEqualTo(px[2]);
        assertThat(px[1]).isGreaterThan(0.5f).isCloseTo(1f - px[0], within(1e-6f));
    }

    @Test
    void classSubfoldersBecomeLabels() throws IOException {
        solid(dir.resolve("dog/z.png"), 3, 3, Color.WHITE, "png");
        solid(dir.resolve("cat/y.png"), 3, 3, Color.BLACK, "png");
        solid(dir.resolve("cat/x.png"), 3, 3, Color.BLACK, "png");
        Files.createDirectories(dir.resolve(".hidden"));
        ImageDataset ds = ImageFolderReader.read(dir, 1, 3, null);
        assertThat(ds.labels()).containsExactly(0, 0, 1);
        assertThat(ds.pixels()[0]).isEqualTo(0f);
        assertThat(ds.pixels()[2 * 9]).isEqualTo(1f);
    }

    @Test
    void readsCelebaAttributes() throws IOException {
        Path images = dir.resolve("img");
        solid(images.resolve("000002.png"), 2, 2, Color.GRAY, "png");
        solid(images.resolve("000001.png"), 2, 2, Color.GRAY, "png");
        Path attrs = dir.resolve("list_attr_celeba.txt");
        Files.writeString(attrs, "3\nSmiling Male  Young \n000001.png  1 -1  1\n000002.png -1 -1 -1\n"
                + "000003.png  1  1  1\n");
        ImageDataset ds = ImageFolderReader.read(images, 3, 2, attrs);
        assertThat(ds.attributeNames()).containsExactly("Smiling", "Male", "Young");
        assertThat(ds.attributes()[0]).containsExactly(true, false, true);
        assertThat(ds.attributes()[1]).containsExactly(false, false, false);
    }

    @Test
    void badAttributeRowNamesFileAndLine() throws IOException {
        solid(dir.resolve("img/000001.png"), 2, 2, Color.GRAY, "png");
        Path attrs = dir.resolve("attrs.txt");
        Files.writeString(attrs, "1\nSmiling Male\n000001.png 1\n");
        assertThatThrownBy(() -> ImageFolderReader.read(dir.resolve("img"), 1, 2, attrs))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("attrs.txt:3:")
                .hasMessageContaining("got 2 columns");
        Files.writeString(attrs, "1\nSmiling Male\n000001.png 1 0\n");
        assertThatThrownBy(() -> ImageFolderReader.read(dir.resolve("img"), 1, 2, attrs))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("attrs.txt:3:")
                .hasMessageContaining("expected 1 or -1");
    }

    @Test
    void imageWithoutAttributeRowIsAnError() throws IOException {
        solid(dir.resolve("img/000001.png"), 2, 2, Color.GRAY, "png");
        solid(dir.resolve("img/000009.png"), 2, 2, Color.GRAY, "png");
        Path attrs = dir.resolve("attrs.txt");
        Files.writeString(attrs, "1\nSmiling\n000001.png 1\n");
        assertThatThrownBy(() -> ImageFolderReader.read(dir.resolve("img"), 1, 2, attrs))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("attrs.txt")
                .hasMessageContaining("no row for image 000009.png");
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        Files.writeString(dir.resolve("fake.png"), "this is text, not a PNG");
        assertThatThrownBy(() -> ImageFolderReader.read(dir, 1, 8, null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("fake.png: cannot read image");
    }

    @Test
    void emptyFolderIsAnError() {
        assertThatThrownBy(() -> ImageFolderReader.read(dir, 1, 8, null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no .png/.jpg/.jpeg images");
    }
}
