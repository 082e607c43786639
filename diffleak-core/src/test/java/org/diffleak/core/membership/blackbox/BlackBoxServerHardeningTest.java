package org.diffleak.core.membership.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `diffleak serve` beyond loopback: the bearer token, the per-client rate limit, the access log, and fuzzed requests. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlackBoxServerHardeningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TOKEN = "correct-horse-battery-staple";

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private BlackBoxServer serve(BlackBoxServer.Options options) throws IOException {
        BlackBoxServer s = BlackBoxServer.start(new FakeTarget(1, 4, 3), options);
        open.add(s);
        return s;
    }

    private static HttpResponse<String> post(URI base, String path, byte[] body, String auth)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String valid() {
        return "{\"images\": [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0, 0.5, 0.25, 0.75, 0.125, 0.375]],"
                + " \"labels\": [1], \"strength\": 0.3, \"steps\": 3, \"seeds\": [42]}";
    }

    @Test
    void anAddressBeyondLoopbackNeedsAToken() throws Exception {
        BlackBoxServer.Options open = BlackBoxServer.Options.defaults().withBind("0.0.0.0");
        assertThatThrownBy(() -> serve(open)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("--token");
        assertThatThrownBy(() -> BlackBoxServer.Options.defaults().withToken("short"))
                .hasMessageContaining("at least 16");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        BlackBoxServer s = serve(open.withToken(TOKEN).withAccessLog(log::add));
        assertThat(s.uri().getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> none = post(s.uri(), "/v1/denoise", valid().getBytes(), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"diffleak\"");
        assertThat(post(s.uri(), "/v1/denoise", valid().getBytes(), "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(post(s.uri(), "/v1/info", new byte[0], "Bearer " + TOKEN).statusCode()).isEqualTo(405);
        assertThat(s.queriesUsed()).isZero();
        assertThatThrownBy(() -> new RemoteTarget(s.uri().toString())).hasMessageContaining("401")
                .hasMessageContaining("--api-token");
        try (RemoteTarget r = new RemoteTarget(s.uri().toString(), RemoteTarget.Options.defaults(), TOKEN)) {
            assertThat(r.denoise(new float[16], new int[] {0}, 0.5, 2, new long[] {1})).hasSize(16);
        }
        assertThat(s.queriesUsed()).isEqualTo(1);
        assertThat(log).hasSize(6);
        assertThat(log.get(0)).matches("\\S+Z 127\\.0\\.0\\.1 POST /v1/denoise 401 images=0 bytes=\\d+ ms=\\d+");
        assertThat(log).anyMatch(l -> l.contains(" POST /v1/denoise 200 images=1 "));
        assertThat(String.join("\n", log)).doesNotContain(TOKEN).doesNotContain("wrong");
    }

    @Test
    void eachClientIsRateLimitedAndTheClientWaitsAsTold() throws Exception {
        BlackBoxServer s = serve(BlackBoxServer.Options.defaults().withRateLimit(2));
        List<Integer> status = new ArrayList<>();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = post(s.uri(), "/v1/denoise", valid().getBytes(), null);
            status.add(r.statusCode());
            limited = r;
        }
        // a burst of max(1, rate) = 2, then refills at 2 per second: 3 requests within far less than 0.5 s
        assertThat(status).containsExactly(200, 200, 429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(JSON.readTree(limited.body()).get("error").asText()).startsWith("rate limit: at most 2.0 requests");
        try (RemoteTarget r = new RemoteTarget(s.uri().toString(), RemoteTarget.Options.defaults())) {
            for (int i = 0; i < 3; i++) {
                r.denoise(new float[16], null, 0.5, 2, new long[] {i});
            }
            assertThat(r.queries()).isEqualTo(3);
        }
    }

    /**
     * Seeded fuzzing of the request parser: random bytes, valid requests cut short, huge and odd numbers,
     * deep nesting, wrong types. Every request must get a 4xx JSON error (never a 5xx or a dropped
     * connection), and the server must go on answering valid requests.
     */
    @Test
    void fuzzedRequestsAreRefusedAndTheServerStaysUp() throws Exception {
        BlackBoxServer s = serve(BlackBoxServer.Options.defaults().withMaxBodyBytes(64 << 10));
        SplittableRandom r = new SplittableRandom(20261208);
        String valid = valid();
        String[] numbers = {"1e400", "-1e400", "99999999999999999999999999", "1" + "0".repeat(2000), "NaN", "-0",
                "0x10", "1e-400", "9223372036854775808", "-9223372036854775809", "1.7976931348623157e309", "Infinity"};
        String[] fields = {"strength", "steps", "seeds", "labels", "images", "count"};
        for (int i = 0; i < 400; i++) {
            byte[] body = switch (i % 5) {
                case 0 -> {
                    byte[] b = new byte[r.nextInt(1, 300)];
                    r.nextBytes(b);
                    yield b;
                }
                case 1 -> valid.substring(0, r.nextInt(valid.length() - 1)).getBytes(StandardCharsets.UTF_8);
                case 2 -> {
                    String f = fields[r.nextInt(fields.length)];
                    String n = numbers[r.nextInt(numbers.length)];
                    String v = f.equals("seeds") || f.equals("labels") ? "[" + n + "]"
                            : f.equals("images") ? "[[" + n + ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]" : n;
                    yield valid.replaceFirst("\"" + f + "\": [^,}]+(\\]\\])?", "\"" + f + "\": " + v)
                            .getBytes(StandardCharsets.UTF_8);
                }
                case 3 -> {
                    int depth = r.nextInt(500, 3000);
                    yield ("{\"images\": " + "[".repeat(depth) + "]".repeat(r.nextBoolean() ? depth : depth / 2) + "}")
                            .getBytes(StandardCharsets.UTF_8);
                }
                default -> {
                    char[] c = valid.toCharArray();
                    String alphabet = "{}[]\",:\\0-e.";
                    for (int k = 0; k < 3; k++) {
                        c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
                    }
                    yield new String(c).getBytes(StandardCharsets.UTF_8);
                }
            };
            String path = i % 7 == 0 ? "/v1/generate" : "/v1/denoise";
            HttpResponse<String> resp = post(s.uri(), path, body, null);
            if (resp.statusCode() == 200) {
                // a mutation that left a valid request
                continue;
            }
            assertThat(resp.statusCode()).as("case %d: %s", i, new String(body, StandardCharsets.UTF_8))
                    .isBetween(400, 413);
            JsonNode error = JSON.readTree(resp.body());
            assertThat(error.path("error").asText()).as(resp.body()).isNotBlank().doesNotContain("\n");
        }
        HttpResponse<String> after = post(s.uri(), "/v1/denoise", valid.getBytes(), null);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(after.body()).get("images").get(0)).hasSize(16);
    }
}
