package org.diffleak.core.membership.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlackBoxServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<AutoCloseable> open = new ArrayList<>();

    record Resp(int status, String body, java.net.http.HttpHeaders headers) {
        String error() throws IOException {
            JsonNode n = JSON.readTree(body);
            assertThat(n.path("error").isTextual()).as(body).isTrue();
            return n.get("error").asText();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private BlackBoxServer serve(BlackBoxTarget target, BlackBoxServer.Options options) throws IOException {
        BlackBoxServer s = BlackBoxServer.start(target, options);
        open.add(s);
        return s;
    }

    private BlackBoxServer serve(BlackBoxTarget target) throws IOException {
        return serve(target, BlackBoxServer.Options.defaults());
    }

    private RemoteTarget client(BlackBoxServer s, RemoteTarget.Options options) {
        RemoteTarget r = new RemoteTarget(s.uri().toString(), options);
        open.add(r);
        return r;
    }

    private RemoteTarget client(BlackBoxServer s) {
        return client(s, RemoteTarget.Options.defaults().withBaseDelay(Duration.ofMillis(10)));
    }

    static Resp send(URI base, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body(), r.headers());
    }

    static Resp post(BlackBoxServer s, String path, String body) throws IOException, InterruptedException {
        return send(s.uri(), "POST", path, body);
    }

    /** n images of the given length with values that need all of float32's digits, some tiny or at the ends. */
    static float[] images(int n, int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * length];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 7) {
                case 0 -> 0f;
                case 1 -> 1f;
                case 2 -> Float.MIN_VALUE;
                case 3 -> (float) r.nextDouble() * 1e-20f;
                default -> (float) r.nextDouble();
            };
        }
        return x;
    }

    static long[] seeds(int n, long first) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = first + 7919L * i - (i % 2 == 0 ? Long.MAX_VALUE / 3 : 0);
        }
        return s;
    }

    static String row(int length, float value) {
        StringBuilder sb = new StringBuilder("[");
        for (int j = 0; j < length; j++) {
            sb.append(j == 0 ? "" : ",").append(value);
        }
        return sb.append(']').toString();
    }

    // ---- round trips ----

    @Test
    void remoteCallsEqualDirectCallsBitForBit() throws IOException {
        FakeTarget served = new FakeTarget(1, 4, 3);
        FakeTarget direct = new FakeTarget(1, 4, 3);
        BlackBoxServer server = serve(served, BlackBoxServer.Options.defaults().withMaxImagesPerRequest(3));
        RemoteTarget remote = client(server);
        assertThat(remote.channels()).isEqualTo(1);
        assertThat(remote.imageSize()).isEqualTo(4);
        assertThat(remote.numClasses()).isEqualTo(3);

        float[] x = images(10, 16, 1);
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
        long[] seeds = seeds(10, 42);
        assertThat(remote.denoise(x, labels, 0.3, 10, seeds)).isEqualTo(direct.denoise(x, labels, 0.3, 10, seeds));
        assertThat(remote.denoise(x, null, 1.0, 1, seeds)).isEqualTo(direct.denoise(x, null, 1.0, 1, seeds));
        assertThat(served.calls.get()).as("10 images in requests of ≤ 3").isEqualTo(8);

        assertThat(remote.generate(labels, 5, seeds)).isEqualTo(direct.generate(labels, 5, seeds));
        assertThat(remote.generate(null, 5, seeds)).isEqualTo(direct.generate(null, 5, seeds));
        assertThat(remote.queries()).isEqualTo(40);
        assertThat(server.queriesUsed()).isEqualTo(40);
        assertThat(remote.queriesLeft()).isEmpty();
        assertThat(remote.denoise(new float[0], null, 0.5, 3, new long[0])).isEmpty();
    }

    @Test
    void pixelsCrossTheWireUnchanged() throws IOException {
        FakeTarget served = new FakeTarget(3, 5, 0);
        served.echo = true;
        RemoteTarget remote = client(serve(served));
        float[] x = images(6, 75, 9);
        assertThat(remote.denoise(x, new int[] {1, 2, 3, 4, 5, 6}, 0.5, 2, seeds(6, 0)))
                .as("labels are dropped for an unconditional model").isEqualTo(x);
    }

    @Test
    void clientKeepsRequestsUnderTheServersBodyLimit() throws IOException {
        FakeTarget served = new FakeTarget(3, 8, 0);
        // 192 values an image take at most 3,120 bytes of JSON: two fit into 8 KiB, three may not.
        BlackBoxServer server = serve(served, BlackBoxServer.Options.defaults().withMaxBodyBytes(8192));
        RemoteTarget remote = client(server);
        float[] x = images(5, 192, 3);
        assertThat(remote.denoise(x, null, 0.2, 4, seeds(5, 1)))
                .isEqualTo(new FakeTarget(3, 8, 0).denoise(x, null, 0.2, 4, seeds(5, 1)));
        assertThat(served.calls.get()).isEqualTo(3);
    }

    @Test
    void infoDescribesModelLimitsAndBudget() throws Exception {
        BlackBoxServer server = serve(new FakeTarget(3, 8, 10), BlackBoxServer.Options.defaults().withBudget(100));
        Resp r = send(server.uri(), "GET", "/v1/info", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode info = JSON.readTree(r.body());
        assertThat(info.get("api").asText()).isEqualTo(BlackBoxServer.API);
        assertThat(info.get("channels").asInt()).isEqualTo(3);
        assertThat(info.get("image_size").asInt()).isEqualTo(8);
        assertThat(info.get("num_classes").asInt()).isEqualTo(10);
        assertThat(info.get("image_length").asInt()).isEqualTo(192);
        assertThat(info.get("budget").asLong()).isEqualTo(100);
        assertThat(info.get("queries_used").asLong()).isZero();
        assertThat(info.get("queries_left").asLong()).isEqualTo(100);
        assertThat(info.get("max_images_per_request").asInt()).isEqualTo(256);
        assertThat(info.get("max_body_bytes").asLong()).isEqualTo(8L << 20);
        assertThat(info.get("max_steps").asInt()).isEqualTo(1000);

        BlackBoxServer unlimited = serve(new FakeTarget(1, 2, 0));
        JsonNode u = JSON.readTree(send(unlimited.uri(), "GET", "/v1/info", null).body());
        assertThat(u.get("budget").isNull()).isTrue();
        assertThat(u.get("queries_left").isNull()).isTrue();
        assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port());
    }

    // ---- budget ----

    @Test
    void budgetRefusesWholeRequestsWith429() throws Exception {
        FakeTarget served = new FakeTarget(1, 4, 0);
        BlackBoxServer server = serve(served, BlackBoxServer.Options.defaults().withBudget(5));
        RemoteTarget remote = client(server);
        remote.denoise(images(3, 16, 0), null, 0.5, 2, seeds(3, 0));
        assertThat(remote.queriesLeft()).hasValue(2);

        assertThatThrownBy(() -> remote.generate(null, 2, seeds(3, 0)))
                .isInstanceOf(QueryBudgetExceededException.class)
                .hasMessageContaining("429")
                .hasMessageContaining("budget exhausted: this request needs 3 queries, 2 of 5 left")
                .hasMessageContaining(server.uri() + "/v1/generate");
        assertThat(remote.queries()).isEqualTo(3);
        assertThat(server.queriesUsed()).isEqualTo(3);
        assertThat(served.calls.get()).as("refused before reaching the model").isEqualTo(1);

        remote.generate(null, 2, seeds(2, 0));
        assertThat(remote.queriesLeft()).hasValue(0);
        Resp r = post(server, "/v1/generate", "{\"count\":1,\"steps\":1,\"seeds\":[1]}");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.error()).contains("0 of 5 left");
        assertThat(JSON.readTree(send(server.uri(), "GET", "/v1/info", null).body()).get("queries_left").asLong()).isZero();
    }

    @Test
    void failedTargetCallsCostNothing() throws Exception {
        FakeTarget served = new FakeTarget(1, 4, 0);
        BlackBoxServer server = serve(served, BlackBoxServer.Options.defaults().withBudget(10));
        Resp refused = post(server, "/v1/generate", "{\"count\":2,\"steps\":13,\"seeds\":[1,2]}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("target refused the request: thirteen steps bring bad luck");
        Resp failed = post(server, "/v1/generate", "{\"count\":2,\"steps\":666,\"seeds\":[1,2]}");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.error()).isEqualTo("target failed: the model fell over");
        assertThat(server.queriesUsed()).isZero();
        assertThat(server.queriesLeft()).hasValue(10);
    }

    // ---- bad requests ----

    @Test
    void invalidRequestsGetOneLineMessages() throws Exception {
        BlackBoxServer server = serve(new FakeTarget(1, 4, 3));
        String px = row(16, 0.5f);
        String[][] cases = {
            {"{\"images\":[" + px + "],\"strength\":1.5,\"steps\":10,\"seeds\":[1]}", "strength must be in (0, 1], got 1.5"},
            {"{\"images\":[" + px + "],\"strength\":0,\"steps\":10,\"seeds\":[1]}", "strength must be in (0, 1], got 0.0"},
            {"{\"images\":[" + px + "],\"strength\":\"high\",\"steps\":10,\"seeds\":[1]}", "strength must be a number, got \"high\""},
            {"{\"images\":[" + row(15, 0.5f) + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1]}",
                "images[0] has 15 values; this model takes C·H·W = 16"},
            {"{\"images\":[" + px + "," + row(17, 0.1f) + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1,2]}",
                "images[1] has 17 values; this model takes C·H·W = 16"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1,2]}",
                "seeds has 2 values for 1 images; give one seed per image"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":0,\"seeds\":[1]}", "steps must be in 1..1000, got 0"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":1001,\"seeds\":[1]}", "steps must be in 1..1000, got 1001"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":2.5,\"seeds\":[1]}", "steps must be an integer, got 2.5"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":10}", "missing field \"seeds\""},
            {"{\"strength\":0.3,\"steps\":10,\"seeds\":[1]}", "missing field \"images\""},
            {"{\"images\":[],\"strength\":0.3,\"steps\":10,\"seeds\":[]}", "images is empty"},
            {"{\"images\":[" + px + "],\"labels\":[3],\"strength\":0.3,\"steps\":10,\"seeds\":[1]}",
                "labels[0] = 3 is out of range 0..2"},
            {"{\"images\":[" + px + "],\"labels\":[1,2],\"strength\":0.3,\"steps\":10,\"seeds\":[1]}",
                "labels has 2 values for 1 images"},
            {"{\"images\":[" + px.replace("[0.5,", "[\"NaN\",") + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1]}",
                "images[0][0] must be a finite number, got \"NaN\""},
            {"{\"images\":[" + px.replace(",0.5]", ",1e999]") + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1]}",
                "images[0][15] must be a finite number, got 1e999"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1.5]}", "seeds[0] must be an integer, got 1.5"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":10,\"seeds\":[99999999999999999999]}",
                "seeds[0] = 99999999999999999999 does not fit a 64-bit integer"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":10,\"seed\":[1]}",
                "unknown field \"seed\"; denoise takes images, labels, strength, steps, seeds"},
            {"[1,2]", "request body must be a JSON object"},
            {"", "request body must be a JSON object"},
            {"{\"images\":[" + px + "],\"strength\":0.3,\"steps\":10,\"seeds\":[1]} {}",
                "malformed JSON: unexpected content after the request object"},
        };
        for (String[] c : cases) {
            Resp r = post(server, "/v1/denoise", c[0]);
            assertThat(r.status()).as(c[1]).isEqualTo(400);
            assertThat(r.error()).isEqualTo(c[1]);
            assertThat(r.body().strip()).doesNotContain("\n");
        }
        Resp truncated = post(server, "/v1/denoise", "{\"images\": [[0.1, 0.2");
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.error()).startsWith("malformed JSON at line 1, column ").doesNotContain("\n");
        Resp dup = post(server, "/v1/generate", "{\"count\":1,\"count\":2,\"steps\":1,\"seeds\":[1]}");
        assertThat(dup.error()).startsWith("malformed JSON").contains("Duplicate field 'count'");

        String[][] generate = {
            {"{\"labels\":[1],\"count\":1,\"steps\":1,\"seeds\":[1]}", "give labels or count, not both"},
            {"{\"steps\":1,\"seeds\":[1]}", "missing field \"labels\" (or \"count\" for unconditional images)"},
            {"{\"count\":0,\"steps\":1,\"seeds\":[]}", "count must be ≥ 1, got 0"},
            {"{\"labels\":[0,1,5],\"steps\":1,\"seeds\":[1,2,3]}", "labels[2] = 5 is out of range 0..2"},
            {"{\"labels\":[0,1],\"steps\":1,\"seeds\":[1,2,3]}", "seeds has 3 values for 2 images; give one seed per image"},
        };
        for (String[] c : generate) {
            Resp r = post(server, "/v1/generate", c[0]);
            assertThat(r.status()).as(c[1]).isEqualTo(400);
            assertThat(r.error()).isEqualTo(c[1]);
        }
        assertThat(server.queriesUsed()).isZero();

        BlackBoxServer unconditional = serve(new FakeTarget(1, 2, 0));
        Resp r = post(unconditional, "/v1/generate", "{\"labels\":[0],\"steps\":1,\"seeds\":[1]}");
        assertThat(r.error()).isEqualTo("this model is unconditional (num_classes 0); ask with \"count\" instead of labels");
    }

    @Test
    void clientReportsTheServersMessage() throws IOException {
        RemoteTarget remote = client(serve(new FakeTarget(1, 4, 0)));
        assertThatThrownBy(() -> remote.denoise(new float[16], null, 1.5, 10, new long[] {1}))
                .isInstanceOfSatisfying(RemoteTargetException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageEndingWith("/v1/denoise: 400 strength must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> remote.denoise(new float[15], null, 0.5, 10, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("images hold 15 values, not a multiple of C·H·W = 16");
        assertThatThrownBy(() -> remote.generate(null, 0, new long[] {1})).isInstanceOf(RemoteTargetException.class)
                .hasMessageEndingWith("400 steps must be in 1..1000, got 0");
        assertThat(remote.generate(null, 10, new long[0])).as("nothing asked, nothing sent").isEmpty();
        assertThat(remote.queries()).isZero();
    }

    @Test
    void oversizedBodiesAndRequestsGet413() throws Exception {
        BlackBoxServer server = serve(new FakeTarget(1, 4, 0),
                BlackBoxServer.Options.defaults().withMaxBodyBytes(1024).withMaxImagesPerRequest(2));
        StringBuilder big = new StringBuilder("{\"images\":[");
        for (int i = 0; i < 20; i++) {
            big.append(i == 0 ? "" : ",").append(row(16, 0.123456f));
        }
        big.append("],\"strength\":0.5,\"steps\":1,\"seeds\":[]}");
        assertThat(big.length()).isGreaterThan(1024);
        Resp r = post(server, "/v1/denoise", big.toString());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).startsWith("request body of " + big.length() + " bytes exceeds the limit of 1024 bytes");

        Resp three = post(server, "/v1/denoise", "{\"images\":[" + row(16, 0) + "," + row(16, 0) + "," + row(16, 0)
                + "],\"strength\":0.5,\"steps\":1,\"seeds\":[1,2,3]}");
        assertThat(three.status()).isEqualTo(413);
        assertThat(three.error()).isEqualTo("too many images: at most 2 per request, got 3 or more");
        Resp count = post(server, "/v1/generate", "{\"count\":3,\"steps\":1,\"seeds\":[1,2,3]}");
        assertThat(count.status()).isEqualTo(413);
        assertThat(count.error()).isEqualTo("too many images: at most 2 per request, got 3");

        // The server still answers on the same client afterwards.
        assertThat(send(server.uri(), "GET", "/v1/info", null).status()).isEqualTo(200);
        assertThat(server.queriesUsed()).isZero();
    }

    @Test
    void unknownPathsAndWrongMethods() throws Exception {
        BlackBoxServer server = serve(new FakeTarget(1, 4, 0));
        Resp missing = send(server.uri(), "GET", "/v1/nothing", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).startsWith("no such endpoint: /v1/nothing");
        assertThat(send(server.uri(), "POST", "/", "{}").status()).isEqualTo(404);

        Resp get = send(server.uri(), "GET", "/v1/denoise", null);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(get.error()).isEqualTo("/v1/denoise takes POST, not GET");
        Resp post = send(server.uri(), "POST", "/v1/info", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET");
        assertThat(send(server.uri(), "PUT", "/v1/generate", "{}").status()).isEqualTo(405);
    }

    // ---- threads and closing ----

    @Test
    void concurrentRequestsReachTheTargetOneAtATime() throws Exception {
        FakeTarget served = new FakeTarget(1, 4, 0);
        served.sleepMillis = 15;
        BlackBoxServer server = serve(served, BlackBoxServer.Options.defaults().withThreads(4));
        RemoteTarget remote = client(server, RemoteTarget.Options.defaults().withMaxImagesPerRequest(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                long first = k;
                results.add(pool.submit(() -> remote.denoise(images(3, 16, first), null, 0.4, 3, seeds(3, first))));
            }
            for (int k = 0; k < 8; k++) {
                assertThat(results.get(k).get())
                        .isEqualTo(new FakeTarget(1, 4, 0).denoise(images(3, 16, k), null, 0.4, 3, seeds(3, k)));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(served.maxActive()).isEqualTo(1);
        assertThat(served.calls.get()).isEqualTo(24);
        assertThat(remote.queries()).isEqualTo(24);
        assertThat(server.queriesUsed()).isEqualTo(24);
    }

    @Test
    void closeFinishesRequestsInProgressThenFreesPortAndThreads() throws Exception {
        FakeTarget served = new FakeTarget(1, 4, 0);
        served.sleepMillis = 400;
        BlackBoxServer server = BlackBoxServer.start(served, BlackBoxServer.Options.defaults());
        int port = server.port();
        RemoteTarget remote = new RemoteTarget(server.uri().toString(),
                RemoteTarget.Options.defaults().withAttempts(2).withBaseDelay(Duration.ofMillis(10)));
        open.add(remote);
        CompletableFuture<float[]> pending = CompletableFuture.supplyAsync(
                () -> remote.generate(null, 2, new long[] {5}));
        while (served.calls.get() == 0) {
            Thread.sleep(5);
        }
        server.close();
        assertThat(pending.get(10, TimeUnit.SECONDS)).hasSize(16);
        server.close();

        assertThatThrownBy(() -> remote.generate(null, 2, new long[] {5}))
                .isInstanceOfSatisfying(RemoteTargetException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining("connection failed").hasMessageEndingWith("(gave up after 2 attempts)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (serverThreads(port) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(serverThreads(port)).isZero();
        try (ServerSocket again = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void idleCloseIsQuick() throws IOException {
        BlackBoxServer server = BlackBoxServer.start(new FakeTarget(1, 4, 0), BlackBoxServer.Options.defaults());
        long t0 = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(900));
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> BlackBoxServer.Options.defaults().withBudget(-1)).hasMessageContaining("budget");
        assertThatThrownBy(() -> BlackBoxServer.Options.defaults().withPort(70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> BlackBoxServer.Options.defaults().withMaxImagesPerRequest(0))
                .hasMessageContaining("maxImagesPerRequest");
    }

    private static long serverThreads(int port) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("diffleak-serve-" + port + "-"))
                .count();
    }
}
