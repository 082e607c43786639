package org.diffleak.core.membership.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against stub servers that misbehave on purpose. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteTargetTest {

    private static final String INFO = "{\"api\":\"diffleak-blackbox/1\",\"channels\":1,\"image_size\":2,"
            + "\"num_classes\":0,\"queries_used\":0,\"queries_left\":null}";
    private static final String ONE_IMAGE = "{\"images\":[[0.25,0.5,0.75,1.0]],\"queries_used\":1,\"queries_left\":9}";

    private final List<HttpServer> stubs = new ArrayList<>();
    private final List<RemoteTarget> clients = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        clients.forEach(RemoteTarget::close);
        stubs.forEach(s -> s.stop(0));
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange ex, int call) throws Exception;
    }

    /** A server that answers /v1/info properly and /v1/generate with the handler; counts generate calls. */
    private HttpServer stub(AtomicInteger calls, Handler generate) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "stub");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/v1/info", ex -> answer(ex, 200, INFO));
        s.createContext("/v1/generate", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                generate.handle(ex, calls.incrementAndGet());
            } catch (Exception e) {
                // the client gave up on us; fine
            }
        });
        s.start();
        stubs.add(s);
        return s;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private RemoteTarget client(HttpServer s, RemoteTarget.Options options) {
        RemoteTarget r = new RemoteTarget(url(s) + "/", options);
        clients.add(r);
        return r;
    }

    private static RemoteTarget.Options fast() {
        return RemoteTarget.Options.defaults().withBaseDelay(Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(10));
    }

    @Test
    void retriesServerErrorsWithBackoffUntilOneSucceeds() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = stub(calls, (ex, call) -> {
            if (call <= 2) {
                answer(ex, 503, "{\"error\":\"busy, try again\"}");
            } else {
                answer(ex, 200, ONE_IMAGE);
            }
        });
        RemoteTarget remote = client(s, fast().withAttempts(3).withBaseDelay(Duration.ofMillis(60)));
        long t0 = System.nanoTime();
        assertThat(remote.generate(null, 5, new long[] {1})).containsExactly(0.25f, 0.5f, 0.75f, 1.0f);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(took).as("60 ms, then 120 ms").isGreaterThanOrEqualTo(Duration.ofMillis(180));
        assertThat(remote.queries()).isEqualTo(1);
        assertThat(remote.queriesLeft()).hasValue(9);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheServersMessage() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = stub(calls, (ex, call) -> answer(ex, 503, "{\"error\":\"busy, try again\"}"));
        RemoteTarget remote = client(s, fast().withAttempts(2));
        assertThatThrownBy(() -> remote.generate(null, 5, new long[] {1}))
                .isInstanceOfSatisfying(RemoteTargetException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.uri().toString()).isEqualTo(url(s) + "/v1/generate");
                })
                .hasMessage("POST " + url(s) + "/v1/generate: 503 busy, try again (gave up after 2 attempts)");
        assertThat(calls.get()).isEqualTo(2);
        assertThat(remote.queries()).isZero();
    }

    @Test
    void clientErrorsAreNotRetried() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = stub(calls, (ex, call) -> answer(ex, call == 1 ? 400 : 429,
                call == 1 ? "{\"error\":\"steps must be in 1..1000, got 0\"}" : "{\"error\":\"query budget exhausted\"}"));
        RemoteTarget remote = client(s, fast().withAttempts(5));
        assertThatThrownBy(() -> remote.generate(null, 0, new long[] {1}))
                .isExactlyInstanceOf(RemoteTargetException.class)
                .hasMessageEndingWith("/v1/generate: 400 steps must be in 1..1000, got 0");
        assertThat(calls.get()).isEqualTo(1);
        assertThatThrownBy(() -> remote.generate(null, 3, new long[] {1}))
                .isInstanceOf(QueryBudgetExceededException.class)
                .hasMessageEndingWith("/v1/generate: 429 query budget exhausted");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void nonJsonErrorsShowTheirFirstLine() throws IOException {
        HttpServer s = stub(new AtomicInteger(), (ex, call) -> answer(ex, 502, "<html>Bad gateway\n<body>…</body>"));
        RemoteTarget remote = client(s, fast().withAttempts(1));
        assertThatThrownBy(() -> remote.generate(null, 3, new long[] {1}))
                .hasMessageEndingWith("502 <html>Bad gateway (gave up after 1 attempt)");
    }

    @Test
    void slowAnswersEndInATimeoutNamingUrlAndLimit() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer s = stub(calls, (ex, call) -> {
            release.await(20, TimeUnit.SECONDS);
            answer(ex, 200, ONE_IMAGE);
        });
        RemoteTarget remote = client(s, fast().withAttempts(3).withTimeout(Duration.ofMillis(200)));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> remote.generate(null, 5, new long[] {1}))
                .isInstanceOfSatisfying(RemoteTargetException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
                })
                .hasMessageStartingWith("POST " + url(s) + "/v1/generate: no answer within the timeout of 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(calls.get()).as("a timed-out request may have been processed: no retry").isEqualTo(1);
    }

    @Test
    void connectionFailuresAreRetriedThenReported() throws IOException {
        HttpServer s = stub(new AtomicInteger(), (ex, call) -> answer(ex, 200, ONE_IMAGE));
        RemoteTarget remote = client(s, fast().withAttempts(3));
        s.stop(0);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> remote.generate(null, 5, new long[] {1}))
                .isInstanceOfSatisfying(RemoteTargetException.class, e -> assertThat(e.status()).isZero())
                .hasMessageStartingWith("POST " + url(s) + "/v1/generate: connection failed")
                .hasMessageEndingWith("(gave up after 3 attempts)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("20 ms, then 40 ms").isGreaterThanOrEqualTo(Duration.ofMillis(60));
    }

    @Test
    void malformedAnswersAreReported() throws IOException {
        HttpServer s = stub(new AtomicInteger(), (ex, call) -> answer(ex, 200, call == 1
                ? "{\"images\":[[0.1,0.2,0.3]]}" : "{\"images\":[[0.1,0.2,0.3,0.4],[0.1,0.2,0.3,0.4]]}"));
        RemoteTarget remote = client(s, fast());
        assertThatThrownBy(() -> remote.generate(null, 5, new long[] {1}))
                .hasMessageContaining("unreadable answer: images[0] has 3 values; this model takes C·H·W = 4");
        assertThatThrownBy(() -> remote.generate(null, 5, new long[] {1}))
                .hasMessageContaining("the server sent more than the 1 images asked for");
        assertThat(remote.queries()).isZero();
    }

    @Test
    void openingNeedsABlackBoxService() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/v1/info", ex -> answer(ex, 200, "{\"hello\":1}"));
        s.start();
        stubs.add(s);
        assertThatThrownBy(() -> new RemoteTarget(url(s), fast()))
                .isInstanceOf(RemoteTargetException.class)
                .hasMessage("GET " + url(s) + "/v1/info: not a black-box service's answer (\"channels\" missing or invalid)");
    }

    @Test
    void urlsAreChecked() {
        assertThatThrownBy(() -> new RemoteTarget("ftp://127.0.0.1/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the service URL must start with http:// or https://, got 'ftp://127.0.0.1/x'");
        assertThatThrownBy(() -> new RemoteTarget("localhost:8080"))
                .hasMessageContaining("must start with http:// or https://");
        assertThatThrownBy(() -> new RemoteTarget("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> new RemoteTarget("http://")).hasMessageStartingWith("not a URL: 'http://'");
        assertThatThrownBy(() -> new RemoteTarget("http://h:1/a?b=c")).hasMessageContaining("query or fragment");
        assertThat(RemoteTarget.parseBase(" HTTP://127.0.0.1:8765/api/ ").toString()).isEqualTo("http://127.0.0.1:8765/api");
        assertThat(RemoteTarget.parseBase("https://example.org").toString()).isEqualTo("https://example.org");
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> RemoteTarget.Options.defaults().withAttempts(0)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> RemoteTarget.Options.defaults().withTimeout(Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> RemoteTarget.Options.defaults().withMaxImagesPerRequest(0))
                .hasMessageContaining("maxImagesPerRequest");
    }

    @Test
    void closedClientsRefuseCalls() throws IOException {
        HttpServer s = stub(new AtomicInteger(), (ex, call) -> answer(ex, 200, ONE_IMAGE));
        RemoteTarget remote = client(s, fast());
        remote.close();
        assertThatThrownBy(() -> remote.generate(null, 5, new long[] {1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
