package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `diffleak audit --target` on an exported TorchScript denoiser with PNG folders, and its bad inputs. */
class ModelAuditCommandTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path members;
    static Path nonMembers;

    @BeforeAll
    static void fixtures() throws IOException {
        for (String f : List.of("tiny_denoiser.pt", "tiny_denoiser.json")) {
            try (var in = ModelAuditCommandTest.class.getResourceAsStream("/fixtures/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        model = dir.resolve("tiny_denoiser.pt");
        SplittableRandom r = new SplittableRandom(4);
        members = pngs(dir.resolve("members"), 12, 8, BufferedImage.TYPE_BYTE_GRAY, r);
        nonMembers = pngs(dir.resolve("held-out"), 10, 8, BufferedImage.TYPE_BYTE_GRAY, r);
    }

    static Path pngs(Path folder, int n, int size, int type, SplittableRandom r) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(size, size, type);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    img.setRGB(x, y, r.nextInt(0x1000000));
                }
            }
            ImageIO.write(img, "png", folder.resolve(String.format("img%03d.png", i)).toFile());
        }
        return folder;
    }

    private static Map<String, Double> scores(Path csv, String attack) throws IOException {
        Map<String, Double> m = new TreeMap<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            if (attack == null || line.startsWith(attack + ",")) {
                String[] f = line.split(",");
                m.put(f[f.length - 3].substring(f[f.length - 3].lastIndexOf('/') + 1) + ":" + f[f.length - 2],
                        Double.parseDouble(f[f.length - 1]));
            }
        }
        return m;
    }

    @Test
    void auditsATorchScriptModelOnImageFoldersAndAgreesWithAttack() throws Exception {
        Path out = dir.resolve("report");
        Cli.Run a = Cli.run("audit", "--target", model.toString(), "--members", members.toString(),
                "--non-members", nonMembers.toString(), "--out", out.toString(), "--cache", dir.resolve("cache").toString());
        assertThat(a.code()).as(a.err()).isZero();
        for (String f : List.of("index.html", "results.json", "scores.csv", "manifest.json")) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(model));
        md.update(Files.readAllBytes(dir.resolve("tiny_denoiser.json")));
        String sha = HexFormat.of().formatHex(md.digest());
        String page = Files.readString(out.resolve("index.html"));
        assertThat(page).contains(model.toString()).contains(sha).contains("12 members").contains("10 non-members")
                .contains("gray-box").contains("img2img: its similarity (SSIM) needs images of at least 11×11")
                .contains("no --aux images");
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertThat(results.toString()).contains("PIAN").contains("SecMI").contains("loss");

        Path pia = dir.resolve("pia.csv");
        Cli.Run attack = Cli.run("attack", "-m", model.toString(), "--members", members.toString(),
                "--non-members", nonMembers.toString(), "--attack", "pia", "-o", pia.toString());
        assertThat(attack.code()).as(attack.err()).isZero();
        Map<String, Double> fromAttack = new TreeMap<>();
        List<String> lines = Files.readAllLines(pia);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            fromAttack.put(f[0].substring(f[0].lastIndexOf('/') + 1) + ":" + f[1], Double.parseDouble(f[2]));
        }
        assertThat(fromAttack).hasSize(22).isEqualTo(scores(out.resolve("scores.csv"), "PIA"));
    }

    @Test
    void aRequestYamlSaysTheSameAndShadowsFitTheDecisions() throws Exception {
        Path base = dir.resolve("base");
        Path job = TinyJob.write(dir.resolve("job"));
        Cli.Run t = Cli.run("train", "--config", job.toString(), "--out", base.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Path aux = pngs(dir.resolve("aux"), 16, 8, BufferedImage.TYPE_BYTE_GRAY, new SplittableRandom(9));
        Path yaml = dir.resolve("request.yaml");
        Files.writeString(yaml, """
                name: owner
                target: %s
                members: %s
                nonMembers: %s
                aux: %s
                shadowBase: %s
                shadows: 2
                shadowTrain: {steps: 3, batchSize: 4, learningRate: 1.0e-3, warmupSteps: 1, weightDecay: 0.0,
                              gradClip: 1.0, emaDecay: 0.9, labelDropout: 0.0, checkpointEvery: 3, seed: 0}
                attacks: {pia: {t: 200}, labels: ["true"], metric: ssim, batch: 8}
                """.formatted(base.resolve("model"), members, nonMembers, aux, base.resolve("model")));
        Path out = dir.resolve("owner-report");
        Cli.Run a = Cli.run("audit", "--config", yaml.toString(), "--out", out.toString(), "--cache",
                dir.resolve("cache").toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).contains("shadow 1: fine-tuning").contains("shadow 2: PIA attack on 8 candidates");
        JsonNode attacks = Json.MAPPER.readTree(out.resolve("results.json").toFile()).path("attacks");
        assertThat(attacks).hasSize(1);
        assertThat(attacks.get(0).toString()).contains("PIA");
        assertThat(Files.readString(out.resolve("index.html"))).contains("2, fine-tuned from");
    }

    @Test
    void shadowModelsTheAttackerHasFitTheDecisions() throws Exception {
        Path shadows = dir.resolve("shadows");
        SplittableRandom r = new SplittableRandom(5);
        for (String s : List.of("a", "b")) {
            Path d = Files.createDirectories(shadows.resolve(s));
            for (String f : List.of("tiny_denoiser.pt", "tiny_denoiser.json")) {
                Files.copy(dir.resolve(f), d.resolve(f));
            }
            pngs(d.resolve("members"), 5, 8, BufferedImage.TYPE_BYTE_GRAY, r);
            pngs(d.resolve("non-members"), 7, 8, BufferedImage.TYPE_BYTE_GRAY, r);
        }
        Path out = dir.resolve("given-shadows");
        Cli.Run a = Cli.run("audit", "--target", model.toString(), "--members", members.toString(),
                "--non-members", nonMembers.toString(), "--shadows", shadows.toString(), "--attacks", "pia,loss,sima",
                "--out", out.toString(), "--cache", dir.resolve("cache").toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).contains("shadow b: PIA attack on 12 candidates");
        JsonNode attacks = Json.MAPPER.readTree(out.resolve("results.json").toFile()).path("attacks");
        assertThat(attacks).hasSize(3);
        assertThat(attacks.toString()).contains("SimA");
        for (JsonNode o : attacks) {
            assertThat(o.path("shadow_threshold_balanced_accuracy").isNumber()).as(o.toString()).isTrue();
        }
        assertThat(Files.readString(out.resolve("index.html"))).contains("2 given in " + shadows);
    }

    @Test
    void badInputIsOneLineWithNoReportDirectory() throws Exception {
        Path rgb = pngs(dir.resolve("rgb"), 2, 8, BufferedImage.TYPE_INT_RGB, new SplittableRandom(1));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path list = dir.resolve("list.csv");
        Files.writeString(list, "path,label\nmembers/img000.png\nmembers/nope.png\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, List<String>> cases = Map.of(
                "rgb/img000.png: image is 3x8x8", List.of("--target", model.toString(), "--members", rgb.toString(),
                        "--non-members", nonMembers.toString()),
                "no .png/.jpg/.jpeg images", List.of("--target", model.toString(), "--members", members.toString(),
                        "--non-members", empty.toString()),
                "list.csv:3: ", List.of("--target", model.toString(), "--members", list.toString(),
                        "--non-members", nonMembers.toString()),
                "127.0.0.1:" + port, List.of("--target", "http://127.0.0.1:" + port, "--members", members.toString(),
                        "--non-members", nonMembers.toString()));
        int k = 0;
        for (var c : cases.entrySet()) {
            Path out = dir.resolve("bad-" + k++);
            List<String> args = new ArrayList<>(List.of("audit", "--out", out.toString(), "--cache",
                    dir.resolve("cache").toString()));
            args.addAll(c.getValue());
            Cli.Run r = Cli.run(args.toArray(String[]::new));
            assertThat(r.code()).as(c.getKey()).isNotZero();
            assertThat(r.err().strip()).as(r.err()).contains(c.getKey()).doesNotContain("\n").startsWith("diffleak: error:");
            assertThat(out).as(c.getKey()).doesNotExist();
        }
    }
}
