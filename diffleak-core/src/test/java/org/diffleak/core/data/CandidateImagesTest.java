package org.diffleak.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateImagesTest {

    @TempDir
    Path dir;

    /** A size×size grey PNG whose pixel (0, 0) holds value and the rest 0. */
    private Path gray(Path file, int size, int value) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, value);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void aFlatFolderIsUnlabelledAndReadExactly() throws IOException {
        gray(dir.resolve("members/b.png"), 4, 255);
        gray(dir.resolve("members/a.png"), 4, 51);
        CandidateImages c = CandidateImages.read(dir.resolve("members"), 1, 4, "--members");
        assertThat(c.ids()).containsExactly("members/a.png", "members/b.png");
        assertThat(c.images().labels()).containsExactly(-1, -1);
        assertThat(c.images().pixels()[0]).isEqualTo(0.2f);
        assertThat(c.images().pixels()[16]).isEqualTo(1f);
        assertThat(c.sha256()).hasSize(64);
    }

    @Test
    void classSubfoldersAndListsGiveClassIndices() throws IOException {
        gray(dir.resolve("set/0/x.png"), 4, 1);
        gray(dir.resolve("set/10/y.png"), 4, 2);
        CandidateImages folder = CandidateImages.read(dir.resolve("set"), 1, 4, "--members");
        assertThat(folder.images().labels()).containsExactly(0, 10);
        Path list = dir.resolve("list.csv");
        Files.writeString(list, "path,label\n# a comment\nset/10/y.png,3\n\nset/0/x.png,1\n");
        CandidateImages fromList = CandidateImages.read(list, 1, 4, "--members");
        assertThat(fromList.ids()).containsExactly("set/10/y.png", "set/0/x.png");
        assertThat(fromList.images().labels()).containsExactly(3, 1);
        assertThatThrownBy(() -> CandidateImages.read(dir.resolve("set"), 1, 4, "--members").requireLabels(5, "--members"))
                .hasMessageContaining("has class 10").hasMessageContaining("5 classes");
        CandidateImages both = folder.concat(fromList, "all");
        assertThat(both.size()).isEqualTo(4);
        assertThat(both.sha256()).isNotEqualTo(folder.sha256());
    }

    @Test
    void aMismatchedImageMissingFileOrEmptySetIsOneLineNamingIt() throws IOException {
        gray(dir.resolve("small/a.png"), 4, 0);
        gray(dir.resolve("small/b.png"), 5, 0);
        assertThatThrownBy(() -> CandidateImages.read(dir.resolve("small"), 1, 4, "--members"))
                .isInstanceOf(DataException.class).hasMessageContaining("b.png: image is 1x5x5")
                .hasMessageContaining("takes 1x4x4");
        BufferedImage rgb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        Files.createDirectories(dir.resolve("rgb"));
        ImageIO.write(rgb, "png", dir.resolve("rgb/c.png").toFile());
        assertThatThrownBy(() -> CandidateImages.read(dir.resolve("rgb"), 1, 4, "--members"))
                .hasMessageContaining("c.png: image is 3x4x4");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> CandidateImages.read(dir.resolve("empty"), 1, 4, "--non-members"))
                .hasMessageStartingWith("--non-members").hasMessageContaining("no .png");
        Path list = dir.resolve("l.txt");
        Files.writeString(list, "small/a.png\nsmall/zz.png\n");
        assertThatThrownBy(() -> CandidateImages.read(list, 1, 4, "--members")).hasMessageContaining("l.txt:2:")
                .hasMessageContaining("zz.png: no such image file");
        Files.writeString(list, "small/a.png,cat\n");
        assertThatThrownBy(() -> CandidateImages.read(list, 1, 4, "--members")).hasMessageContaining("class index");
        assertThatThrownBy(() -> CandidateImages.read(dir.resolve("nothing"), 1, 4, "--aux"))
                .hasMessageContaining("no such folder or list file");
    }
}
