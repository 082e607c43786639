package org.diffleak.core.shift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.diffleak.core.data.IdxReader;
import org.diffleak.core.data.ImageDataset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blind baseline on real Fashion-MNIST test images: 60 against 60 from one distribution, then mildly shifted. */
class BlindBaselineTest {

    static ImageDataset members;
    static ImageDataset nonMembers;

    @BeforeAll
    static void load() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST_DIR), "Fashion-MNIST not installed");
        ImageDataset test = IdxReader.readFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR, false);
        members = test.subset(range(0, 60), "members");
        nonMembers = test.subset(range(60, 60), "non-members");
    }

    static int[] range(int from, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** Each 28×28 image through an 8-bit grey BufferedImage, changed by op and read back as stored. */
    static ImageDataset map(ImageDataset in, UnaryOperator<BufferedImage> op) {
        int s = in.height();
        float[] out = new float[in.pixels().length];
        for (int i = 0; i < in.size(); i++) {
            BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < s * s; p++) {
                img.getRaster().setSample(p % s, p / s, 0, Math.round(255 * in.pixels()[i * s * s + p]));
            }
            BufferedImage o = op.apply(img);
            for (int p = 0; p < s * s; p++) {
                out[i * s * s + p] = o.getRaster().getSample(p % s, p / s, 0) / 255f;
            }
        }
        return ImageDataset.of(in.name() + "'", 1, s, s, out, in.labels());
    }

    static BufferedImage contrast(BufferedImage img, double factor) {
        BufferedImage o = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double v = 127.5 + factor * (img.getRaster().getSample(x, y, 0) - 127.5);
                o.getRaster().setSample(x, y, 0, (int) Math.max(0, Math.min(255, Math.round(v))));
            }
        }
        return o;
    }

    static BufferedImage jpeg(BufferedImage img, float quality) {
        try {
            ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                w.setOutput(out);
                ImageWriteParam p = w.getDefaultWriteParam();
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(quality);
                w.write(null, new IIOImage(img, null, null), p);
            } finally {
                w.dispose();
            }
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            BufferedImage grey = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setRect(back.getRaster());
            return grey;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage shiftRight(BufferedImage img) {
        BufferedImage o = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 1; x < img.getWidth(); x++) {
                o.getRaster().setSample(x, y, 0, img.getRaster().getSample(x - 1, y, 0));
            }
        }
        return o;
    }

    @Test
    void twoFoldersFromOneDistributionAreNotShifted() {
        DistributionCheck c = BlindBaseline.run(members, nonMembers, 0);
        assertThat(c.ran()).isTrue();
        assertThat(c.shifted()).as(c.summary()).isFalse();
        assertThat(c.aucCi().low()).as(c.summary()).isLessThan(0.5);
        assertThat(c.aucCi().high()).as(c.summary()).isGreaterThan(0.5);
        assertThat(c.summary()).contains("no difference in distribution found");
    }

    @Test
    void aMildGlobalChangeToOneSideIsShifted() {
        Map<String, UnaryOperator<BufferedImage>> changes = Map.of(
                "contrast × 0.9", i -> contrast(i, 0.9),
                "JPEG re-encode at quality 0.9", i -> jpeg(i, 0.9f),
                "1-pixel shift to the right", BlindBaselineTest::shiftRight);
        for (var e : changes.entrySet()) {
            DistributionCheck c = BlindBaseline.run(members, map(nonMembers, e.getValue()), 0);
            assertThat(c.shifted()).as(e.getKey() + ": " + c.summary()).isTrue();
            assertThat(c.aucCi().low()).as(e.getKey()).isGreaterThan(BlindBaseline.SHIFT_THRESHOLD);
            assertThat(c.summary()).contains("differ in distribution").contains("upper bounds inflated");
        }
    }

    @Test
    void theCheckIsDeterministicPerSeed() {
        ImageDataset shifted = map(nonMembers, BlindBaselineTest::shiftRight);
        DistributionCheck a = BlindBaseline.run(members, shifted, 7);
        DistributionCheck b = BlindBaseline.run(members, shifted, 7);
        DistributionCheck other = BlindBaseline.run(members, shifted, 8);
        assertThat(b.scores()).isEqualTo(a.scores());
        assertThat(b.auc()).isEqualTo(a.auc());
        assertThat(b.aucCi()).isEqualTo(a.aucCi());
        assertThat(other.scores()).isNotEqualTo(a.scores());
    }

    @Test
    void fewerThanTwentyImagesASideSkipsTheCheckAndSaysWhy() {
        DistributionCheck c = BlindBaseline.run(members.subset(range(0, 19), "19"), nonMembers, 0);
        assertThat(c.ran()).isFalse();
        assertThat(c.shifted()).isFalse();
        assertThat(c.skipped()).isEqualTo("it needs at least 20 images a side, got 19 members and 60 non-members");
        assertThat(c.summary()).isEqualTo("distribution check skipped: " + c.skipped());
        assertThat(BlindBaseline.run(members.subset(range(0, 20), "20"), nonMembers.subset(range(0, 20), "20"), 0)
                .ran()).isTrue();
    }

    @Test
    void matchingKeepsPairsTheBlindClassifierScoresAlike() {
        ImageDataset shifted = map(nonMembers, BlindBaselineTest::shiftRight);
        DistributionCheck c = BlindBaseline.matched(BlindBaseline.run(members, shifted, 0), members, shifted, 0);
        DistributionCheck.Matched m = c.matched();
        assertThat(m.members()).hasSameSizeAs(m.nonMembers());
        assertThat(m.members().length).as(c.summary()).isBetween(BlindBaseline.MIN_PER_SIDE, 59);
        for (int k = 0; k < m.members().length; k++) {
            assertThat(m.members()[k]).isBetween(0, 59);
            assertThat(m.nonMembers()[k]).isBetween(0, 59);
        }
        assertThat(m.recheck().ran()).isTrue();
        assertThat(m.recheck().auc()).as(c.summary()).isLessThan(c.auc());
        assertThat(c.summary()).contains("matched: kept " + m.members().length + " of 60 members");
    }

    @Test
    void matchingRefusesWhenTheCheckWasSkipped() {
        ImageDataset few = members.subset(range(0, 10), "10");
        DistributionCheck c = BlindBaseline.run(few, nonMembers, 0);
        assertThatThrownBy(() -> BlindBaseline.matched(c, few, nonMembers, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 20 images a side");
    }

    @Test
    void everyFeatureHasItsName() {
        float[] rgb = new float[3 * 16 * 12];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 37 % 256) / 255f;
        }
        assertThat(ImageFeatures.of(rgb, 0, 3, 16, 12)).hasSize(ImageFeatures.names(3).size());
        assertThat(ImageFeatures.of(members.pixels(), 0, 1, 28, 28)).hasSize(ImageFeatures.names(1).size());
        assertThat(ImageFeatures.of(new float[25], 0, 1, 5, 5)).hasSize(ImageFeatures.names(1).size());
    }
}
