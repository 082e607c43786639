package org.diffleak.core.membership.blackbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BlackBoxTarget} behind a {@link BlackBoxServer} (`diffleak serve`), reached over HTTP. Opening
 * one reads {@code GET /v1/info}; large calls go out as several requests of at most
 * {@link Options#maxImagesPerRequest()} images (fewer when the server's own limits demand it), one after
 * another. Answers 5xx and connection failures are retried with exponential backoff; 4xx answers are not
 * and become a {@link RemoteTargetException} carrying the server's message, 429 a
 * {@link QueryBudgetExceededException} (unless it carries Retry-After, a rate limit, which is waited out and
 * retried). A request with no answer within {@link Options#timeout()} ends
 * in a {@link RemoteTargetException} that names the URL and the timeout; it is not retried, since the
 * server may still be processing (and charging for) it.
 *
 * <p>Safe to share between threads. {@link #queries()} counts the images this client had processed.
 */
public final class RemoteTarget implements BlackBoxTarget, AutoCloseable {

    /**
     * @param maxImagesPerRequest most images per HTTP request
     * @param attempts tries per request, the first included (1 = no retry)
     * @param baseDelay wait before the second try; doubles before each further one
     * @param timeout how long one request may wait for its answer
     * @param connectTimeout how long opening a connection may take (a failed connect is retried)
     */
    public record Options(int maxImagesPerRequest, int attempts, Duration baseDelay, Duration timeout,
            Duration connectTimeout) {

        public Options {
            if (maxImagesPerRequest < 1) {
                throw new IllegalArgumentException("maxImagesPerRequest must be ≥ 1, got " + maxImagesPerRequest);
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be ≥ 1, got " + attempts);
            }
            if (baseDelay == null || baseDelay.isNegative()) {
                throw new IllegalArgumentException("baseDelay must be ≥ 0");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be > 0");
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be > 0");
            }
        }

        /** 64 images per request, 4 attempts from 250 ms, 5 min per request, 10 s to connect. */
        public static Options defaults() {
            return new Options(64, 4, Duration.ofMillis(250), Duration.ofMinutes(5), Duration.ofSeconds(10));
        }

        public Options withMaxImagesPerRequest(int m) {
            return new Options(m, attempts, baseDelay, timeout, connectTimeout);
        }

        public Options withAttempts(int a) {
            return new Options(maxImagesPerRequest, a, baseDelay, timeout, connectTimeout);
        }

        public Options withBaseDelay(Duration d) {
            return new Options(maxImagesPerRequest, attempts, d, timeout, connectTimeout);
        }

        public Options withTimeout(Duration t) {
            return new Options(maxImagesPerRequest, attempts, baseDelay, t, connectTimeout);
        }

        public Options withConnectTimeout(Duration t) {
            return new Options(maxImagesPerRequest, attempts, baseDelay, timeout, t);
        }
    }

    /** Bytes of JSON one float may take at most ("-1.17549435E-38,"), and per image beyond its pixels. */
    private static final int BYTES_PER_VALUE = 16;
    private static final int BYTES_PER_IMAGE = 48;
    private static final int BYTES_PER_REQUEST = 512;

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final URI base;
    private final Options options;
    private final String authorization;
    private final ExecutorService executor;
    private final HttpClient http;
    private final int channels;
    private final int imageSize;
    private final int numClasses;
    private final int imageLength;
    private final int denoiseBatch;
    private final int generateBatch;
    private final AtomicLong queries = new AtomicLong();
    /** As the server last reported it; −1 when unlimited or not yet known. */
    private volatile long queriesLeft;
    private volatile boolean closed;

    /** Connects with {@link Options#defaults()}. */
    public RemoteTarget(String baseUrl) {
        this(baseUrl, Options.defaults());
    }

    /**
     * @param baseUrl the server's base URL, e.g. {@code http://127.0.0.1:8765} (http or https)
     * @throws IllegalArgumentException for a URL that is not http(s)
     * @throws RemoteTargetException when {@code GET /v1/info} fails or is not a black-box service's answer
     */
    public RemoteTarget(String baseUrl, Options options) {
        this(baseUrl, options, null);
    }

    /**
     * As {@link #RemoteTarget(String, Options)}, sending {@code Authorization: Bearer token} with every request
     * (a server started with {@code diffleak serve --token}).
     *
     * @param token the bearer token, or null for none
     */
    public RemoteTarget(String baseUrl, Options options, String token) {
        if (options == null) {
            throw new IllegalArgumentException("options are required");
        }
        if (token != null && (token.isBlank() || !token.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("the bearer token must be printable ASCII without spaces");
        }
        this.base = parseBase(baseUrl);
        this.options = options;
        this.authorization = token == null ? null : "Bearer " + token;
        int id = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "diffleak-remote-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        try {
            URI uri = endpoint(Wire.INFO);
            JsonNode info;
            try {
                info = Wire.MAPPER.readTree(call("GET", uri, null));
            } catch (IOException e) {
                throw new RemoteTargetException("GET " + uri + ": not a black-box service's answer: "
                        + Wire.oneLine(e.getMessage()), uri, 200, e);
            }
            this.channels = infoInt(info, "channels", 1, uri);
            this.imageSize = infoInt(info, "image_size", 1, uri);
            this.numClasses = infoInt(info, "num_classes", 0, uri);
            long len = (long) channels * imageSize * imageSize;
            if (len > Integer.MAX_VALUE / BYTES_PER_VALUE) {
                throw new RemoteTargetException("GET " + uri + ": images of " + len + " values are too large",
                        uri, 200, null);
            }
            this.imageLength = (int) len;
            int serverImages = info.hasNonNull("max_images_per_request")
                    ? infoInt(info, "max_images_per_request", 1, uri) : Integer.MAX_VALUE;
            long maxBody = info.hasNonNull("max_body_bytes") ? info.get("max_body_bytes").asLong() : Long.MAX_VALUE;
            long fit = (maxBody - BYTES_PER_REQUEST) / ((long) imageLength * BYTES_PER_VALUE + BYTES_PER_IMAGE);
            this.generateBatch = Math.min(options.maxImagesPerRequest(), serverImages);
            this.denoiseBatch = (int) Math.max(1, Math.min(generateBatch, fit));
            JsonNode left = info.get("queries_left");
            this.queriesLeft = left != null && left.canConvertToLong() ? left.asLong() : -1;
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** The base URL, normalized (no trailing slash). */
    public URI baseUri() {
        return base;
    }

    public Options options() {
        return options;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** Images the server processed for this client. */
    @Override
    public long queries() {
        return queries.get();
    }

    /** The server's remaining budget as its last answer reported it; empty when unlimited. */
    public OptionalLong queriesLeft() {
        long left = queriesLeft;
        return left < 0 ? OptionalLong.empty() : OptionalLong.of(left);
    }

    /**
     * Labels are dropped for an unconditional model, as the interface allows; shapes are checked here,
     * values (strength, steps, label range) by the server.
     */
    @Override
    public float[] denoise(float[] images, int[] labels, double strength, int steps, long[] seeds) {
        if (images == null || seeds == null) {
            throw new IllegalArgumentException("images and seeds are required");
        }
        if (images.length % imageLength != 0) {
            throw new IllegalArgumentException("images hold " + images.length + " values, not a multiple of C·H·W = "
                    + imageLength);
        }
        int n = images.length / imageLength;
        checkCounts(n, labels, seeds);
        int[] sent = numClasses == 0 ? null : labels;
        URI uri = endpoint(Wire.DENOISE);
        float[] out = new float[images.length];
        for (int from = 0; from < n; from += denoiseBatch) {
            int m = Math.min(denoiseBatch, n - from);
            int start = from;
            byte[] body = json(g -> {
                Wire.writeImages(g, "images", images, start, m, imageLength);
                if (sent != null) {
                    writeInts(g, "labels", sent, start, m);
                }
                g.writeNumberField("strength", strength);
                g.writeNumberField("steps", steps);
                writeLongs(g, "seeds", seeds, start, m);
            });
            readImages(uri, call("POST", uri, body), out, from, m);
        }
        return out;
    }

    /** Unconditional ({@code "count"}) when labels are null or the model has no classes. */
    @Override
    public float[] generate(int[] labels, int steps, long[] seeds) {
        if (seeds == null) {
            throw new IllegalArgumentException("seeds are required");
        }
        int n = seeds.length;
        int[] sent = numClasses == 0 ? null : labels;
        checkCounts(n, sent, seeds);
        URI uri = endpoint(Wire.GENERATE);
        float[] out = new float[n * imageLength];
        for (int from = 0; from < n; from += generateBatch) {
            int m = Math.min(generateBatch, n - from);
            int start = from;
            byte[] body = json(g -> {
                if (sent != null) {
                    writeInts(g, "labels", sent, start, m);
                } else {
                    g.writeNumberField("count", m);
                }
                g.writeNumberField("steps", steps);
                writeLongs(g, "seeds", seeds, start, m);
            });
            readImages(uri, call("POST", uri, body), out, from, m);
        }
        return out;
    }

    /** Stops the client's threads; later calls throw IllegalStateException. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "RemoteTarget[" + base + ", " + channels + "×" + imageSize + "×" + imageSize
                + (numClasses > 0 ? ", " + numClasses + " classes" : "") + ", " + queries.get() + " queries]";
    }

    // ---- HTTP ----

    /**
     * One request with retries: the answer's body on 200; 5xx and connection failures are tried again
     * after baseDelay · 2^(k−1) (at most {@link Wire#MAX_RETRY_DELAY}).
     */
    private byte[] call(String method, URI uri, byte[] body) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(options.timeout()).header("Accept", Wire.JSON);
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        HttpRequest request = body == null ? rb.GET().build()
                : rb.header("Content-Type", Wire.JSON).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        String what = method + " " + uri;
        RemoteTargetException last = null;
        long wait = 0;
        for (int attempt = 1; attempt <= options.attempts(); attempt++) {
            if (closed) {
                throw new IllegalStateException("RemoteTarget for " + base + " is closed");
            }
            if (attempt > 1) {
                Wire.sleepBeforeRetry(Math.max(wait, Wire.backoffNanos(options.baseDelay(), attempt - 1)), what, uri);
            }
            wait = 0;
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                last = new RemoteTargetException(what + ": could not connect within " + millis(options.connectTimeout()),
                        uri, 0, e);
                continue;
            } catch (HttpTimeoutException e) {
                throw new RemoteTargetException(what + ": no answer within the timeout of " + millis(options.timeout())
                        + " (not retried: the server may still be processing it)", uri, 0, e);
            } catch (IOException e) {
                last = new RemoteTargetException(what + ": connection failed: " + describe(e), uri, 0, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteTargetException(what + ": interrupted", uri, 0, e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return response.body();
            }
            String message = what + ": " + status + " " + Wire.errorMessage(response.body(), RemoteTarget::errorText);
            if (status == 429) {
                // the server's rate limit says when to come back; its query budget does not
                long after = retryAfterNanos(response);
                if (after < 0) {
                    throw new QueryBudgetExceededException(message, uri);
                }
                wait = after;
                last = new RemoteTargetException(message, uri, status, null);
                continue;
            }
            if (status == 401) {
                throw new RemoteTargetException(message + (authorization == null
                        ? " (the server wants a bearer token: --api-token)" : " (check --api-token)"), uri, status, null);
            }
            if (status >= 500) {
                last = new RemoteTargetException(message, uri, status, null);
                continue;
            }
            throw new RemoteTargetException(message, uri, status, null);
        }
        String tries = options.attempts() == 1 ? "1 attempt" : options.attempts() + " attempts";
        throw new RemoteTargetException(last.getMessage() + " (gave up after " + tries + ")", uri, last.status(),
                last.getCause());
    }

    /** Retry-After in nanoseconds (delta-seconds, at most {@link Wire#MAX_RETRY_DELAY}), or −1 when absent. */
    static long retryAfterNanos(HttpResponse<?> r) {
        String v = r.headers().firstValue("Retry-After").orElse(null);
        if (v == null) {
            return -1;
        }
        try {
            return Math.min(Wire.MAX_RETRY_DELAY.toSeconds(), Math.max(0, Long.parseLong(v.strip()))) * 1_000_000_000L;
        } catch (NumberFormatException e) {
            return Wire.MAX_RETRY_DELAY.toNanos();
        }
    }

    /** The server's {@code {"error": "..."}} message in one line, or null. */
    private static String errorText(JsonNode n) {
        return n.path("error").isTextual() ? Wire.oneLine(n.get("error").asText()) : null;
    }

    private void readImages(URI uri, byte[] body, float[] out, int from, int m) {
        float[] images = null;
        try (JsonParser p = Wire.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Wire.FormatException("the answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "images" -> images = Wire.readImages(p, "images", imageLength, m, count -> {
                        throw new Wire.FormatException("the server sent more than the " + m + " images asked for");
                    });
                    case "queries_left" -> queriesLeft = p.currentToken() == JsonToken.VALUE_NULL ? -1
                            : Wire.integer(p, "queries_left");
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | Wire.FormatException e) {
            throw new RemoteTargetException("POST " + uri + ": unreadable answer: " + Wire.oneLine(e.getMessage()),
                    uri, 200, e);
        }
        if (images == null || images.length != m * imageLength) {
            throw new RemoteTargetException("POST " + uri + ": the server sent "
                    + (images == null ? "no images" : images.length / imageLength + " images") + " for " + m,
                    uri, 200, null);
        }
        System.arraycopy(images, 0, out, from * imageLength, images.length);
        queries.addAndGet(m);
    }

    // ---- request bodies ----

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Fields fields) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = Wire.FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
        return buf.toByteArray();
    }

    private static void writeInts(JsonGenerator g, String field, int[] v, int from, int n) throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = from; i < from + n; i++) {
            g.writeNumber(v[i]);
        }
        g.writeEndArray();
    }

    private static void writeLongs(JsonGenerator g, String field, long[] v, int from, int n) throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = from; i < from + n; i++) {
            g.writeNumber(v[i]);
        }
        g.writeEndArray();
    }

    // ---- helpers ----

    private static void checkCounts(int n, int[] labels, long[] seeds) {
        if (seeds.length != n) {
            throw new IllegalArgumentException(seeds.length + " seeds for " + n + " images; give one seed per image");
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " images");
        }
    }

    private URI endpoint(String path) {
        return URI.create(base + path);
    }

    /** Checks and normalizes a base URL: http(s), a host, no query or fragment, no trailing slash. */
    static URI parseBase(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the service URL is empty; give e.g. http://127.0.0.1:8765");
        }
        String s = url.strip();
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: '" + s + "' (" + e.getReason() + ")");
        }
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("the service URL must start with http:// or https://, got '" + s + "'");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("the service URL has no host: '" + s + "'");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("the service URL must not carry a query or fragment: '" + s + "'");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme.toLowerCase(Locale.ROOT) + "://" + u.getRawAuthority() + path);
    }

    private static int infoInt(JsonNode info, String field, int min, URI uri) {
        JsonNode v = info == null ? null : info.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
            throw new RemoteTargetException("GET " + uri + ": not a black-box service's answer (\"" + field
                    + "\" missing or invalid)", uri, 200, null);
        }
        return v.asInt();
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    private static String describe(Throwable e) {
        String m = Wire.oneLine(e.getMessage());
        return e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
    }
}
