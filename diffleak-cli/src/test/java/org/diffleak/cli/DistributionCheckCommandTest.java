package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import org.diffleak.core.data.IdxReader;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution check of `diffleak audit --target` on real Fashion-MNIST test images (60 members, 60
 * non-members), brought to the 8×8 fixture denoiser's size by 3×3 means of the central 24×24 pixels.
 */
class DistributionCheckCommandTest {

    @TempDir
    static Path dir;
    static Path model;
    static ImageDataset test;

    @BeforeAll
    static void fixtures() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.DEFAULT_FASHION_MNIST_DIR), "Fashion-MNIST not installed");
        for (String f : List.of("tiny_denoiser.pt", "tiny_denoiser.json")) {
            try (var in = DistributionCheckCommandTest.class.getResourceAsStream("/fixtures/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        model = dir.resolve("tiny_denoiser.pt");
        test = IdxReader.readFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR, false);
    }

    /** Images from..from+n−1 of the test split as 8×8 PNGs, each 8-bit value v at (x, y) written as change(v, x). */
    static Path folder(String name, int from, int n, IntBinaryOperator change) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        for (int i = from; i < from + n; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    double s = 0;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            s += test.pixels()[i * 784 + (2 + 3 * y + dy) * 28 + 2 + 3 * x + dx];
                        }
                    }
                    img.getRaster().setSample(x, y, 0, change.applyAsInt((int) Math.round(255 * s / 9), x));
                }
            }
            ImageIO.write(img, "png", folder.resolve(String.format("fm%05d.png", i)).toFile());
        }
        return folder;
    }

    static Cli.Run audit(Path members, Path nonMembers, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("audit", "--target", model.toString(), "--members",
                members.toString(), "--non-members", nonMembers.toString(), "--attacks", "loss", "--out",
                out.toString(), "--cache", dir.resolve("cache").toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    static JsonNode results(Path out) throws IOException {
        return Json.MAPPER.readTree(out.resolve("results.json").toFile());
    }

    @Test
    void foldersFromOneDistributionPassTheCheck() throws IOException {
        Path out = dir.resolve("same");
        Cli.Run r = audit(folder("members", 0, 60, (v, x) -> v), folder("held-out", 60, 60, (v, x) -> v), out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("distribution check: blind AUC").contains("no difference in distribution found");
        JsonNode d = results(out).path("distribution_check");
        assertThat(d.path("shifted").asBoolean()).isFalse();
        assertThat(d.path("auc_ci").get(0).asDouble()).isLessThan(0.5);
        assertThat(d.path("auc_ci").get(1).asDouble()).isGreaterThan(0.5);
        assertThat(results(out).path("headline").path("text").asText()).doesNotContain("differ in distribution");
        assertThat(Files.readString(out.resolve("index.html"))).contains("Distribution check ran and found no"
                + " difference").doesNotContain("blind AUC<br>");
        assertThat(results(out).path("timing").has("distribution check")).isTrue();
    }

    @Test
    void aContrastChangeToTheNonMembersIsFlaggedInTheHeadline() throws IOException {
        Path out = dir.resolve("contrast");
        Cli.Run r = audit(folder("members", 0, 60, (v, x) -> v),
                folder("held-out-contrast", 60, 60, (v, x) -> (int) Math.round(127.5 + 0.9 * (v - 127.5))), out);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode d = results(out).path("distribution_check");
        assertThat(d.path("shifted").asBoolean()).isTrue();
        assertThat(d.path("auc_ci").get(0).asDouble()).isGreaterThan(0.55);
        assertThat(results(out).path("headline").path("text").asText())
                .startsWith("The member and non-member images differ in distribution");
        assertThat(Files.readString(out.resolve("index.html"))).contains("blind AUC<br>(no model)");
    }

    @Test
    void matchingDropsTheNonMembersFromAnotherSource() throws IOException {
        // every other non-member brightened by 8 levels: a second source mixed into the held-out folder
        Path nonMembers = Files.createDirectories(dir.resolve("held-out-mixed"));
        for (int i = 60; i < 120; i++) {
            Path one = folder("one-" + i, i, 1, i % 2 == 0 ? (v, x) -> Math.min(255, v + 8) : (v, x) -> v);
            Files.move(one.resolve(String.format("fm%05d.png", i)), nonMembers.resolve(String.format("fm%05d.png", i)));
        }
        Path out = dir.resolve("matched");
        Cli.Run r = audit(folder("members", 0, 60, (v, x) -> v), nonMembers, out, "--match-distribution");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode results = results(out);
        JsonNode m = results.path("distribution_check").path("matched");
        int kept = m.path("members_kept").asInt();
        assertThat(kept).isBetween(20, 59);
        assertThat(m.path("non_members_kept").asInt()).isEqualTo(kept);
        assertThat(results.path("attacks").get(0).path("members").asInt()).isEqualTo(kept);
        assertThat(results.path("attacks").get(0).path("non_members").asInt()).isEqualTo(kept);
        List<String> rows = Files.readAllLines(out.resolve("scores.csv"));
        assertThat(rows).hasSize(1 + 2 * kept);
        long brightened = rows.stream().filter(l -> l.contains("held-out-mixed/")).filter(l -> {
            int id = Integer.parseInt(l.replaceAll(".*fm(\\d{5})\\.png.*", "$1"));
            return id % 2 == 0;
        }).count();
        assertThat(brightened).as(rows.toString()).isLessThan(kept - brightened);
        assertThat(r.out()).contains("matched: kept " + kept + " of 60 members and " + kept + " of 60 non-members");
        assertThat(Files.readString(out.resolve("index.html"))).contains("Matched on distribution");
    }

    @Test
    void fewerThanTwentyImagesASideSkipTheCheckWithTheReason() throws IOException {
        Path out = dir.resolve("few");
        Cli.Run r = audit(folder("few-members", 0, 12, (v, x) -> v), folder("few-held-out", 12, 25, (v, x) -> v), out);
        assertThat(r.code()).as(r.err()).isZero();
        String reason = "it needs at least 20 images a side, got 12 members and 25 non-members";
        assertThat(r.out()).contains("distribution check skipped: " + reason);
        JsonNode d = results(out).path("distribution_check");
        assertThat(d.path("skipped").asBoolean()).isTrue();
        assertThat(d.path("reason").asText()).isEqualTo(reason);
        assertThat(Files.readString(out.resolve("index.html"))).contains("Distribution check skipped: " + reason);

        Cli.Run matched = audit(folder("few-members", 0, 12, (v, x) -> v), folder("few-held-out", 12, 25,
                (v, x) -> v), dir.resolve("few-matched"), "--match-distribution");
        assertThat(matched.code()).isEqualTo(2);
        assertThat(matched.err().strip()).startsWith("diffleak: error: --match-distribution needs the distribution"
                + " check, which was skipped").doesNotContain("\n");
        assertThat(dir.resolve("few-matched")).doesNotExist();
    }
}
