package org.diffleak.core.membership.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The web API client against a stand-in that answers each init image inverted (1 − x), or a txt2img of flat grey. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class A1111TargetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A loopback server: `answer` maps a request's JSON (and its number, from 1) to (status, body). */
    private final class StandIn implements AutoCloseable {
        record Answer(int status, byte[] body) {}

        final HttpServer server;
        final List<JsonNode> requests = new ArrayList<>();
        final List<String> auth = new ArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        StandIn(Function<JsonNode, Answer> answer, int waitForInFlight) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/", ex -> handle(ex, answer, waitForInFlight));
            server.start();
            open.add(this);
        }

        private void handle(HttpExchange ex, Function<JsonNode, Answer> answer, int waitFor) throws IOException {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try (ex) {
                JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
                synchronized (this) {
                    requests.add(JSON.createObjectNode().put("path", ex.getRequestURI().getPath())
                            .setAll((com.fasterxml.jackson.databind.node.ObjectNode) req));
                    auth.add(ex.getRequestHeaders().getFirst("Authorization"));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (maxInFlight.get() < waitFor && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                Answer a = answer.apply(req);
                ex.sendResponseHeaders(a.status(), a.body().length);
                ex.getResponseBody().write(a.body());
            } finally {
                inFlight.decrementAndGet();
            }
        }

        String url() {
            return "a1111+http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized int count() {
            return requests.size();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    /** 200 with the init image inverted, or a flat grey txt2img image of the asked size. */
    static StandIn.Answer invert(JsonNode req) {
        try {
            int w = req.get("width").asInt();
            int h = req.get("height").asInt();
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            if (req.has("init_images")) {
                BufferedImage in = ImageIO.read(new ByteArrayInputStream(
                        Base64.getDecoder().decode(req.get("init_images").get(0).asText())));
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out.setRGB(x, y, ~in.getRGB(x, y) & 0xFFFFFF);
                    }
                }
            } else {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out.setRGB(x, y, 0x808080);
                    }
                }
            }
            return ok(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static StandIn.Answer ok(BufferedImage img) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        return ok(png.toByteArray());
    }

    static StandIn.Answer ok(byte[] image) {
        String body = "{\"images\": [\"" + Base64.getEncoder().encodeToString(image)
                + "\"], \"parameters\": {}, \"info\": \"{}\"}";
        return new StandIn.Answer(200, body.getBytes(StandardCharsets.UTF_8));
    }

    /** n RGB images of 8-bit levels (so the PNG round trip is exact). */
    static float[] levels(int n, int channels, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * channels * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(256) / 255f;
        }
        return x;
    }

    private A1111Target client(StandIn s, int channels, int h, int w, List<String> prompts,
            A1111Target.Options options) {
        A1111Target t = new A1111Target(s.url(), channels, h, w, prompts, options.withBaseDelay(Duration.ofMillis(5)));
        open.add(t);
        return t;
    }

    @Test
    void img2imgOfRgbNonSquareImagesRoundTripsWithItsPromptsSeedsAndCredentials() throws IOException {
        StandIn s = new StandIn(A1111TargetTest::invert, 3);
        A1111Target t = client(s, 3, 12, 20, List.of("a cat", "a dog"),
                A1111Target.Options.defaults().withAuth("ann:s3cret").withConcurrency(3));
        assertThat(t.height()).isEqualTo(12);
        assertThat(t.width()).isEqualTo(20);
        assertThat(t.numClasses()).isEqualTo(2);
        float[] x = levels(6, 3, 12, 20, 1);
        long[] seeds = {1, -1, Long.MAX_VALUE, 4, 5L << 40, 6};
        float[] y = t.denoise(x, new int[] {0, 1, 1, 0, 1, 0}, 0.3, 10, seeds);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).as("pixel %d", i).isEqualTo((255 - Math.round(x[i] * 255)) / 255f);
        }
        assertThat(s.maxInFlight.get()).as("requests in flight").isEqualTo(3);
        assertThat(s.count()).isEqualTo(6);
        assertThat(s.auth).containsOnly("Basic " + Base64.getEncoder().encodeToString("ann:s3cret".getBytes()));
        List<Long> sentSeeds = new ArrayList<>();
        for (JsonNode r : s.requests) {
            assertThat(r.get("path").asText()).isEqualTo("/sdapi/v1/img2img");
            assertThat(r.get("width").asInt()).isEqualTo(20);
            assertThat(r.get("height").asInt()).isEqualTo(12);
            assertThat(r.get("denoising_strength").asDouble()).isEqualTo(0.3);
            assertThat(r.get("steps").asInt()).isEqualTo(10);
            assertThat(r.get("sampler_name").asText()).isEqualTo("DDIM");
            assertThat(r.get("batch_size").asInt()).isEqualTo(1);
            sentSeeds.add(r.get("seed").asLong());
            String prompt = r.get("prompt").asText();
            assertThat(prompt).isIn("a cat", "a dog");
        }
        assertThat(sentSeeds).containsExactlyInAnyOrder(1L, 0xFFFF_FFFFL, 0xFFFF_FFFFL, 4L, 0L, 6L);
        assertThat(t.queries()).isEqualTo(6);
        assertThat(t.summary()).contains("6 queries answered by " + s.url()).contains("img2img denoising_strength 0.3,"
                + " steps 10").contains("20×12 RGB").contains("sampler_name \"DDIM\"").contains("cfg_scale 7");

        float[] g = t.generate(new int[] {1}, 5, new long[] {9});
        assertThat(g).hasSize(3 * 12 * 20).containsOnly(128 / 255f);
        assertThat(s.requests.get(6).get("path").asText()).isEqualTo("/sdapi/v1/txt2img");
        assertThat(s.requests.get(6).get("prompt").asText()).isEqualTo("a dog");
        assertThat(s.requests.get(6).has("init_images")).isFalse();
    }

    @Test
    void retriesServerErrorsAndAResumedRunAsksOnlyForWhatItHadNotGot() throws IOException {
        AtomicInteger n = new AtomicInteger();
        // every third request fails once with the web UI's error JSON
        StandIn s = new StandIn(req -> n.incrementAndGet() % 3 == 0
                ? new StandIn.Answer(500, "{\"error\": \"RuntimeException\", \"detail\": \"CUDA out of memory\"}"
                        .getBytes(StandardCharsets.UTF_8))
                : invert(req), 0);
        Path cache = dir.resolve("answers");
        A1111Target.Options o = A1111Target.Options.defaults().withCacheDir(cache).withBudget(4);
        float[] x = levels(6, 1, 16, 16, 2);
        long[] seeds = {1, 2, 3, 4, 5, 6};
        A1111Target first = client(s, 1, 16, 16, List.of("p"), o);
        assertThatThrownBy(() -> first.denoise(x, null, 0.5, 4, seeds))
                .isInstanceOf(QueryBudgetExceededException.class)
                .hasMessageContaining("query budget of 4 queries is spent").hasMessageContaining("--budget");
        int answered = (int) first.queries();
        assertThat(answered).isEqualTo(4);
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.filter(f -> f.toString().endsWith(".png")).count()).isEqualTo(4);
        }
        A1111Target second = client(s, 1, 16, 16, List.of("p"), o.withBudget(A1111Target.UNLIMITED));
        float[] y = second.denoise(x, null, 0.5, 4, seeds);
        assertThat(second.queries()).isEqualTo(2);
        assertThat(second.cachedAnswers()).isEqualTo(4);
        A1111Target fresh = client(s, 1, 16, 16, List.of("p"), A1111Target.Options.defaults());
        assertThat(y).isEqualTo(fresh.denoise(x, null, 0.5, 4, seeds));
        // 4 + 2 + 6 answers, and every third request (5 of them) a 500 that was tried again
        assertThat(n.get()).isEqualTo(s.count()).isEqualTo(17);
        assertThat(second.summary()).contains("2 queries answered").contains("4 from the query cache");
    }

    @Test
    void aBadAnswerIsOneLineNamingTheRequestAndNothingIsCached() throws IOException {
        byte[] jpeg;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", b);
        jpeg = b.toByteArray();
        Path cache = dir.resolve("bad");
        List<Function<JsonNode, StandIn.Answer>> answers = List.of(
                req -> ok(jpeg),
                req -> {
                    try {
                        return ok(new BufferedImage(8, 16, BufferedImage.TYPE_INT_RGB));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                },
                req -> new StandIn.Answer(200, "{\"error\": \"OutOfMemoryError\", \"detail\": \"no room\"}".getBytes()),
                req -> new StandIn.Answer(422, "{\"detail\": [{\"msg\": \"field required\"}]}".getBytes()),
                req -> new StandIn.Answer(200, "<html>proxy login</html>".getBytes()));
        List<String> expected = List.of("the answer is not a PNG (a JPEG", "the answer is a 8×16 image (width×height), 16×16 was"
                + " asked for", "the answer is an error: OutOfMemoryError: no room", "422 [{\"msg\":\"field required\"}]",
                "the answer is not JSON (<html>proxy login</html>)");
        for (int k = 0; k < answers.size(); k++) {
            StandIn s = new StandIn(answers.get(k), 0);
            A1111Target t = client(s, 1, 16, 16, List.of("a shoe"), A1111Target.Options.defaults().withCacheDir(cache));
            assertThatThrownBy(() -> t.denoise(levels(1, 1, 16, 16, 3), new int[] {0}, 0.25, 8, new long[] {77}))
                    .isInstanceOf(RemoteTargetException.class)
                    .hasMessageStartingWith("POST " + s.url() + "/sdapi/v1/img2img (prompt \"a shoe\", seed 77,"
                            + " denoising_strength 0.25)")
                    .hasMessageContaining(expected.get(k))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(s.count()).as("not retried").isEqualTo(1);
        }
        assertThat(cache).doesNotExist();
    }

    @Test
    void missingCredentialsAndAServerThatNeverAnswersAreOneLineErrors() throws IOException {
        StandIn s = new StandIn(req -> new StandIn.Answer(401, "{\"detail\": \"Incorrect username or password\"}"
                .getBytes()), 0);
        A1111Target t = client(s, 1, 16, 16, List.of("x"), A1111Target.Options.defaults());
        assertThatThrownBy(() -> t.generate(null, 3, new long[] {1}))
                .hasMessageContaining("401 Incorrect username or password").hasMessageContaining("--api-auth user:pass");
        StandIn slow = new StandIn(req -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return invert(req);
        }, 0);
        A1111Target impatient = client(slow, 1, 16, 16, List.of("x"),
                A1111Target.Options.defaults().withTimeout(Duration.ofMillis(200)));
        assertThatThrownBy(() -> impatient.generate(null, 3, new long[] {1}))
                .hasMessageContaining("no answer within the timeout of 200 ms");
        assertThat(slow.count()).isEqualTo(1);
        assertThatThrownBy(() -> new A1111Target("http://h:1", 1, 16, 16, List.of("x"), A1111Target.Options.defaults()))
                .hasMessageContaining("a1111+http://");
        assertThatThrownBy(() -> A1111Target.Options.defaults().withAuth("nocolon")).hasMessageContaining("user:pass");
    }
}
