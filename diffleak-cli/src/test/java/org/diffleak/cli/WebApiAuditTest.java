package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.diffleak.core.data.CandidateImages;
import org.diffleak.core.data.PromptedCandidates;
import org.diffleak.core.membership.blackbox.A1111Target;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.membership.blackbox.GenerationAttack;
import org.diffleak.core.membership.blackbox.ReconstructionAttack;
import org.diffleak.core.membership.blackbox.Similarity;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `diffleak audit --target a1111+http://…` against a stand-in web UI that answers with a small DiffLeak model:
 * the same scores as the model queried in-process, and a run cut short (by the server's budget, then by
 * SIGKILL) that resumes without asking for anything twice.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WebApiAuditTest {

    static final String UPPER = "a bright square, upper half";
    static final String LOWER = "a bright square, lower half";
    static final Map<String, Integer> PROMPTS = Map.of(UPPER, 0, LOWER, 1);
    /** img2img: 12 candidates × 2 noisings; txt2img: 2 prompts × 4 generations. */
    static final int QUERIES = 12 * 2 + 2 * 4;

    @TempDir
    static Path dir;
    static Path model;
    static Path request;
    static Path captions;

    @BeforeAll
    static void fixtures() throws IOException {
        Path train = SquareImages.write(dir.resolve("train"), 10);
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                name: web-api-test
                data: {dataset: folder, path: %s, attributes: null, channels: 1, size: 16, split: all, limit: 0}
                splits: {members: 6, nonMembers: 6, auxiliary: 6, seed: 3}
                model: {channels: 1, imageSize: 16, baseWidth: 8, multipliers: [1, 2], resBlocks: 1,
                        attention: false, numClasses: 2, groups: 4}
                schedule: {kind: linear, steps: 1000, betaStart: 1.0e-4, betaEnd: 0.02}
                train: {steps: 6, batchSize: 8, learningRate: 2.0e-3, warmupSteps: 2, weightDecay: 0.0,
                        gradClip: 1.0, emaDecay: 0.9, labelDropout: 0.0, checkpointEvery: 6, seed: 5}
                """.formatted(train));
        Cli.Run t = Cli.run("train", "--config", job.toString(), "--out", dir.resolve("base").toString());
        assertThat(t.code()).as(t.err()).isZero();
        model = dir.resolve("base").resolve("model");
        StringBuilder caps = new StringBuilder("path,caption\n");
        SplittableRandom r = new SplittableRandom(11);
        for (String set : List.of("members", "held-out")) {
            Files.createDirectories(dir.resolve(set));
            for (int i = 0; i < 6; i++) {
                int k = i % 2;
                BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                int ox = r.nextInt(10);
                int oy = k * 8 + r.nextInt(3);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        boolean on = x >= ox && x < ox + 5 && y >= oy && y < oy + 5;
                        img.getRaster().setSample(x, y, 0, Math.min(255, (on ? 200 : 0) + r.nextInt(40)));
                    }
                }
                String name = String.format("%s/img%03d.png", set, i);
                ImageIO.write(img, "png", dir.resolve(name).toFile());
                caps.append(name).append(",\"").append(k == 0 ? UPPER : LOWER).append("\"\n");
            }
        }
        captions = Files.writeString(dir.resolve("captions.csv"), caps.toString());
        request = Files.writeString(dir.resolve("request.yaml"), """
                name: web
                target: %s
                members: %s
                nonMembers: %s
                attacks: {reconstruction: {strength: 0.5, steps: 4, noisings: 2}, generation: {generations: 4, steps: 4},
                          labels: ["true"], metric: ssim, batch: 8}
                """);
    }

    private static Path request(String url) throws IOException {
        return Files.writeString(dir.resolve("request-" + url.hashCode() + ".yaml"), Files.readString(request)
                .formatted(url, dir.resolve("members"), dir.resolve("held-out")));
    }

    private static List<String> args(String url, Path out, Path cache) throws IOException {
        return new ArrayList<>(List.of("audit", "--config", request(url).toString(), "--captions", captions.toString(),
                "--api-auth", "auditor:pw", "--concurrency", "3", "--out", out.toString(), "--cache", cache.toString()));
    }

    /** The model in-process, as the stand-in serves it: one image at a time, the API's seed, 8-bit answers. */
    static final class InProcess implements BlackBoxTarget {
        final LocalBlackBox local;

        InProcess(LocalBlackBox local) {
            this.local = local;
        }

        @Override
        public int channels() {
            return local.channels();
        }

        @Override
        public int imageSize() {
            return local.imageSize();
        }

        @Override
        public int numClasses() {
            return local.numClasses();
        }

        @Override
        public float[] denoise(float[] images, int[] labels, double strength, int steps, long[] seeds) {
            int d = images.length / seeds.length;
            float[] out = new float[images.length];
            for (int i = 0; i < seeds.length; i++) {
                float[] x = java.util.Arrays.copyOfRange(images, i * d, (i + 1) * d);
                float[] y = local.denoise(x, new int[] {labels[i]}, strength, steps,
                        new long[] {A1111Target.apiSeed(seeds[i])});
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = A1111StandIn.level(y[j]);
                }
            }
            return out;
        }

        @Override
        public float[] generate(int[] labels, int steps, long[] seeds) {
            int d = channels() * imageSize() * imageSize();
            float[] out = new float[seeds.length * d];
            for (int i = 0; i < seeds.length; i++) {
                float[] y = local.generate(new int[] {labels[i]}, steps, new long[] {A1111Target.apiSeed(seeds[i])});
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = A1111StandIn.level(y[j]);
                }
            }
            return out;
        }

        @Override
        public long queries() {
            return local.queries();
        }
    }

    /** scores.csv rows of one attack: file name → score. */
    private static Map<String, Double> scores(Path csv, String attack) throws IOException {
        Map<String, Double> m = new TreeMap<>();
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith(attack + ",")) {
                String[] f = line.split(",");
                m.put(f[f.length - 3], Double.parseDouble(f[f.length - 1]));
            }
        }
        return m;
    }

    @Test
    void anAuditThroughTheWebApiScoresAsTheModelInProcess() throws Exception {
        Path out = dir.resolve("report");
        try (A1111StandIn standIn = new A1111StandIn(model, PROMPTS, "auditor", "pw", 15, 7)) {
            Cli.Run a = Cli.run(args(standIn.url(), out, dir.resolve("cache")).toArray(String[]::new));
            assertThat(a.code()).as(a.err()).isZero();
            assertThat(standIn.answered.get()).isEqualTo(QUERIES);
            assertThat(standIn.answers.values()).allMatch(c -> c.get() == 1);
            // requests 7, 14, 21, 28 and 35 failed and were tried again: 32 answers in 37 requests
            assertThat(standIn.requests.get()).isEqualTo(37);
            assertThat(a.out()).contains(QUERIES + " queries answered by " + standIn.url() + ", 0 from the query cache");
        }
        String page = Files.readString(out.resolve("index.html"));
        assertThat(page).contains("AUTOMATIC1111-style web API").contains("2 distinct prompts")
                .contains(QUERIES + " queries answered by").contains("img2img denoising_strength 0.5, steps 4")
                .contains("txt2img steps 4").contains("sampler_name");

        PromptedCandidates pc = PromptedCandidates.read(dir.resolve("members"), dir.resolve("held-out"), 0, 0,
                captions.toString(), null);
        CandidateImages cands = pc.members().concat(pc.nonMembers(), "candidates");
        Similarity sim = new Similarity(1, 16, 16, null);
        double[][] recon;
        double[][] gen;
        try (NDManager m = TorchRuntime.newManager(); CloseableDenoiser d = Denoisers.load(model, m)) {
            InProcess ref = new InProcess(new LocalBlackBox(d));
            recon = new ReconstructionAttack(0.5, 4, 2, Seeds.of(0).child("reconstruction").seed(), 8)
                    .features(ref, cands.images(), cands.images().labels(), sim, ProgressListener.NONE);
            gen = new GenerationAttack(4, 4, Seeds.of(0).child("generation").seed(), 8)
                    .features(ref, cands.images(), cands.images().labels(), sim, ProgressListener.NONE);
        }
        Map<String, Double> expectedRecon = new TreeMap<>();
        Map<String, Double> expectedGen = new TreeMap<>();
        for (int i = 0; i < cands.size(); i++) {
            expectedRecon.put(cands.ids().get(i), recon[i][1]);
            expectedGen.put(cands.ids().get(i), gen[i][1]);
        }
        assertThat(scores(out.resolve("scores.csv"), "img2img")).hasSize(12).isEqualTo(expectedRecon);
        assertThat(scores(out.resolve("scores.csv"), "label-only generation")).hasSize(12).isEqualTo(expectedGen);
    }

    @Test
    void anAuditCutShortByTheBudgetAndThenKilledResumesWithoutAskingTwice() throws Exception {
        Path cache = dir.resolve("resume-cache");
        Path out = dir.resolve("resumed");
        try (A1111StandIn standIn = new A1111StandIn(model, PROMPTS, "auditor", "pw", 15, 0)) {
            standIn.budget = 10;
            Cli.Run cut = Cli.run(args(standIn.url(), out, cache).toArray(String[]::new));
            assertThat(cut.code()).isNotZero();
            assertThat(cut.err().strip()).startsWith("diffleak: error: POST " + standIn.url() + "/sdapi/v1/")
                    .contains("429 query budget exhausted").doesNotContain("\n");
            assertThat(out).doesNotExist();
            assertThat(standIn.failures).isEmpty();
            assertThat(standIn.answered.get()).as(cut.err() + cut.out()).isEqualTo(10);

            standIn.budget = Long.MAX_VALUE;
            standIn.holdAfter = 20;
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            cmd.addAll(args(standIn.url(), out, cache));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("killed.log").toFile());
            pb.environment().put("OPT_OUT_TRACKING", "true");
            Process p = pb.start();
            try {
                assertThat(standIn.held.await(180, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("killed.log")))
                        .isTrue();
                // the 20 granted answers reach the client's cache before it is killed; the rest are held
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (answersCached(cache) < 20 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(answersCached(cache)).isEqualTo(20);
            } finally {
                p.destroyForcibly();
                p.waitFor();
            }
            assertThat(standIn.answered.get()).isEqualTo(20);
            standIn.holdAfter = Integer.MAX_VALUE;
            standIn.release.countDown();

            Cli.Run resumed = Cli.run(args(standIn.url(), out, cache).toArray(String[]::new));
            assertThat(resumed.code()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains((QUERIES - 20) + " queries answered by " + standIn.url() + ", 20 from"
                    + " the query cache");
            assertThat(standIn.answered.get()).isEqualTo(QUERIES);
            assertThat(standIn.answers).hasSize(QUERIES);
            assertThat(standIn.answers.values()).as("no query answered twice").allMatch(c -> c.get() == 1);
        }
        assertThat(out.resolve("scores.csv")).isRegularFile();
        assertThat(answersCached(cache)).isEqualTo(QUERIES);
    }

    private static int answersCached(Path cache) throws IOException {
        Path d = cache.resolve("web-api-answers");
        if (!Files.isDirectory(d)) {
            return 0;
        }
        AtomicInteger pngs = new AtomicInteger();
        try (var files = Files.list(d)) {
            files.forEach(f -> pngs.addAndGet(f.toString().endsWith(".png") ? 1 : 0));
        }
        return pngs.get();
    }
}
