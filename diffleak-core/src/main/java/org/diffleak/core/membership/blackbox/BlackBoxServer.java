package org.diffleak.core.membership.blackbox;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Serves any {@link BlackBoxTarget} as a JSON image service, with a query budget over the server's life.
 * {@link RemoteTarget} is its client. It listens on 127.0.0.1 unless told otherwise; an address beyond
 * loopback needs a bearer token, and a per-client rate limit and an access log go with it (see
 * {@link Options}).
 *
 * <h2>Wire format</h2>
 * Pixels travel as JSON numbers, one array of C·H·W values (layout C, H, W; float32, [0, 1]) per image.
 * <pre>
 * POST /v1/denoise  {"images": [[…], …], "labels": [..] (conditional models, optional), "strength": 0.3,
 *                    "steps": 10, "seeds": [..]}
 * POST /v1/generate {"labels": [..]} or {"count": n}, plus "steps" and "seeds" (one seed per image)
 *                   → both answer {"images": [[…], …], "queries_used": N, "queries_left": M}
 * GET  /v1/info     → {"api", "channels", "image_size", "num_classes", "image_length", "budget",
 *                    "queries_used", "queries_left", "max_images_per_request", "max_body_bytes", "max_steps"}
 * </pre>
 * {@code budget} and {@code queries_left} are null when the budget is unlimited. Each image of a request
 * costs one query; a request the budget cannot cover in full is refused whole.
 *
 * <h2>Errors</h2>
 * Every error answers {@code {"error": "one line"}}: 400 for a malformed or invalid request (shape,
 * range, missing or unknown field, non-finite pixel), 401 without the right bearer token, 404 for an
 * unknown path, 405 for a wrong method, 413 for a body over the size limit or more images than a request
 * may hold, 429 once the budget cannot cover a request (or, with a Retry-After header, past the rate
 * limit), 500 when the target fails, 503 while the server shuts down.
 *
 * <p>Requests are read on a small fixed pool of threads; calls into the target, which need not be
 * thread-safe, are serialized.
 */
public final class BlackBoxServer implements AutoCloseable {

    /** The API name that {@code GET /v1/info} reports. */
    public static final String API = "diffleak-blackbox/1";

    /** A budget that never runs out. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** The default address: the IPv4 loopback itself. */
    public static final String LOOPBACK = "127.0.0.1";

    /** Client addresses whose rate buckets are kept; past it, buckets idle for a minute are dropped. */
    private static final int MAX_CLIENTS = 4096;

    /** What a drained body may hold beyond the limit before the connection is dropped instead. */
    private static final long DRAIN_LIMIT = 64L << 20;

    /**
     * @param port TCP port; 0 picks a free one (see {@link #port()})
     * @param budget total images the server will process over its life ({@link #UNLIMITED} for no limit)
     * @param maxBodyBytes largest request body accepted (413 above)
     * @param maxImagesPerRequest most images one request may carry or ask for (413 above)
     * @param maxSteps most sampling steps a request may ask for (400 above)
     * @param threads request threads
     * @param closeGrace how long {@link #close()} waits for requests in progress
     * @param bind the address to listen on: 127.0.0.1 by default; any other (not loopback) needs a token
     * @param token the bearer token every request must carry ({@code Authorization: Bearer …}), or null
     * @param ratePerSecond requests per second each client address may make, bursts up to max(1, rate);
     *     0 for no limit; past it a request is answered 429 with Retry-After
     * @param accessLog where one line per request goes (time, client, method, path, status, images, bytes,
     *     milliseconds; never the token), or null for none
     */
    public record Options(int port, long budget, long maxBodyBytes, int maxImagesPerRequest, int maxSteps,
            int threads, Duration closeGrace, String bind, String token, double ratePerSecond,
            Consumer<String> accessLog) {

        public Options {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            if (budget < 0) {
                throw new IllegalArgumentException("budget must be ≥ 0, got " + budget);
            }
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be ≥ 1024, got " + maxBodyBytes);
            }
            if (maxImagesPerRequest < 1) {
                throw new IllegalArgumentException("maxImagesPerRequest must be ≥ 1, got " + maxImagesPerRequest);
            }
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be ≥ 1, got " + maxSteps);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
            }
            if (closeGrace == null || closeGrace.isNegative()) {
                throw new IllegalArgumentException("closeGrace must be ≥ 0");
            }
            bind = bind == null || bind.isBlank() ? LOOPBACK : bind.strip();
            if (token != null && (token.length() < 16 || !token.matches("[\\x21-\\x7e]+"))) {
                throw new IllegalArgumentException("the token must be at least 16 printable ASCII characters without"
                        + " spaces");
            }
            if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("the rate limit must be a finite number ≥ 0, got " + ratePerSecond);
            }
        }

        /** Ephemeral port on 127.0.0.1, no budget, 8 MiB bodies, 256 images per request, 1000 steps, 4 threads,
         * 5 s grace, no token, no rate limit, no access log. */
        public static Options defaults() {
            return new Options(0, UNLIMITED, 8L << 20, 256, 1000, 4, Duration.ofSeconds(5), LOOPBACK, null, 0, null);
        }

        public Options withPort(int p) {
            return new Options(p, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, closeGrace, bind,
                    token, ratePerSecond, accessLog);
        }

        public Options withBudget(long b) {
            return new Options(port, b, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, closeGrace, bind,
                    token, ratePerSecond, accessLog);
        }

        public Options withMaxBodyBytes(long m) {
            return new Options(port, budget, m, maxImagesPerRequest, maxSteps, threads, closeGrace, bind, token,
                    ratePerSecond, accessLog);
        }

        public Options withMaxImagesPerRequest(int m) {
            return new Options(port, budget, maxBodyBytes, m, maxSteps, threads, closeGrace, bind, token,
                    ratePerSecond, accessLog);
        }

        public Options withMaxSteps(int m) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, m, threads, closeGrace, bind, token,
                    ratePerSecond, accessLog);
        }

        public Options withThreads(int t) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, t, closeGrace, bind, token,
                    ratePerSecond, accessLog);
        }

        public Options withCloseGrace(Duration g) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, g, bind, token,
                    ratePerSecond, accessLog);
        }

        public Options withBind(String b) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, closeGrace, b,
                    token, ratePerSecond, accessLog);
        }

        public Options withToken(String t) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, closeGrace, bind,
                    t, ratePerSecond, accessLog);
        }

        public Options withRateLimit(double perSecond) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, closeGrace, bind,
                    token, perSecond, accessLog);
        }

        public Options withAccessLog(Consumer<String> log) {
            return new Options(port, budget, maxBodyBytes, maxImagesPerRequest, maxSteps, threads, closeGrace, bind,
                    token, ratePerSecond, log);
        }
    }

    /** An answer other than 200, with its one-line message. */
    private static final String STATUS = "diffleak.status";
    private static final String IMAGES = "diffleak.images";
    private static final String BYTES = "diffleak.bytes";

    private static final class ApiError extends Exception {
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private record DenoiseRequest(float[] images, int n, int[] labels, double strength, int steps, long[] seeds) {}

    private record GenerateRequest(int n, int[] labels, int steps, long[] seeds) {}

    private final BlackBoxTarget target;
    private final Options options;
    private final int channels;
    private final int imageSize;
    private final int numClasses;
    private final int imageLength;
    private final HttpServer server;
    private final ExecutorService pool;
    private final ReentrantLock targetLock = new ReentrantLock(true);
    private final AtomicLong used = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object idle = new Object();
    private final InetAddress bindAddress;
    private final byte[] expected;
    private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    /** A client's token bucket: up to max(1, rate) requests at once, refilled at rate per second. */
    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }
    }

    private BlackBoxServer(BlackBoxTarget target, Options options) throws IOException {
        this.target = target;
        this.options = options;
        this.channels = target.channels();
        this.imageSize = target.imageSize();
        this.numClasses = target.numClasses();
        long len = (long) channels * imageSize * imageSize;
        if (channels < 1 || imageSize < 1 || len > Integer.MAX_VALUE / 2 || numClasses < 0) {
            throw new IllegalArgumentException("target reports an unusable shape: channels " + channels
                    + ", image size " + imageSize + ", classes " + numClasses);
        }
        this.imageLength = (int) len;
        this.bindAddress = address(options.bind());
        if (!bindAddress.isLoopbackAddress() && options.token() == null) {
            throw new IllegalArgumentException("listening on " + options.bind() + ", beyond this machine, needs a bearer"
                    + " token (--token): anyone who can reach the port could query the model");
        }
        this.expected = options.token() == null ? null
                : ("Bearer " + options.token()).getBytes(StandardCharsets.US_ASCII);
        this.server = HttpServer.create(new InetSocketAddress(bindAddress, options.port()), 0);
        int bound = server.getAddress().getPort();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "diffleak-serve-" + bound + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(options.threads(), threads);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Binds the options' address (127.0.0.1 by default) and port and starts serving.
     *
     * @throws IOException when the port cannot be bound
     * @throws IllegalArgumentException for an address beyond loopback without a token, or one that is not
     *     an address of this machine
     */
    public static BlackBoxServer start(BlackBoxTarget target, Options options) throws IOException {
        if (target == null || options == null) {
            throw new IllegalArgumentException("target and options are required");
        }
        return new BlackBoxServer(target, options);
    }

    /** The bound port (the chosen one when the options asked for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * {@code http://ADDRESS:PORT}, the base URL a {@link RemoteTarget} takes (127.0.0.1 when listening on every
     * address).
     */
    public URI uri() {
        InetAddress a = bindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bindAddress;
        String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return URI.create("http://" + host + ":" + port());
    }

    /** The address given as an IP literal or host name; no name service lookups beyond what the JDK does. */
    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot listen on '" + host + "': not an address of this machine");
        }
    }

    public Options options() {
        return options;
    }

    /** Queries (images) served so far. */
    public long queriesUsed() {
        return used.get();
    }

    /** Queries the budget still allows; empty when the budget is unlimited. */
    public OptionalLong queriesLeft() {
        return options.budget() == UNLIMITED ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, options.budget() - used.get()));
    }

    /**
     * Stops taking requests (new ones get 503), waits up to the grace period for those in progress, then
     * closes the socket and the request threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + options.closeGrace().toNanos();
        boolean interrupted = false;
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        // Nothing left to wait for: JDK 17's stop(n) would sit out the whole n seconds even when idle.
        server.stop(0);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- request handling ----

    private void handle(HttpExchange ex) {
        inFlight.incrementAndGet();
        long t0 = System.nanoTime();
        try (ex) {
            try {
                if (closing.get()) {
                    drain(ex.getRequestBody());
                    throw new ApiError(503, "server is shutting down");
                }
                authorize(ex);
                limitRate(ex);
                route(ex);
            } catch (ApiError e) {
                sendError(ex, e.status, e.getMessage());
            } catch (IOException e) {
                // The client went away while we read or wrote; nothing to answer.
            } catch (RuntimeException e) {
                sendError(ex, 500, "internal error: " + describe(e));
            }
        } finally {
            log(ex, t0);
            if (inFlight.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    /** With a token, a request without {@code Authorization: Bearer TOKEN} is answered 401 (compared in constant time). */
    private void authorize(HttpExchange ex) throws IOException, ApiError {
        if (expected == null) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        byte[] g = given == null ? new byte[0] : given.strip().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(g, expected)) {
            drain(ex.getRequestBody());
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"diffleak\"");
            throw new ApiError(401, given == null ? "this server needs Authorization: Bearer TOKEN"
                    : "wrong bearer token");
        }
    }

    /** Takes a token from the client's bucket, or answers 429 with the seconds until one is there. */
    private void limitRate(HttpExchange ex) throws IOException, ApiError {
        double rate = options.ratePerSecond();
        if (rate == 0) {
            return;
        }
        InetAddress client = ex.getRemoteAddress().getAddress();
        long now = System.nanoTime();
        double burst = Math.max(1, rate);
        if (buckets.size() > MAX_CLIENTS) {
            buckets.values().removeIf(b -> now - b.last > 60_000_000_000L);
        }
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
        double wait;
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.last) / 1e9 * rate);
            b.last = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            wait = (1 - b.tokens) / rate;
        }
        drain(ex.getRequestBody());
        ex.getResponseHeaders().set("Retry-After", Long.toString((long) Math.ceil(wait)));
        throw new ApiError(429, "rate limit: at most " + rate + " requests per second from one client; retry in "
                + (long) Math.ceil(wait) + " s");
    }

    /** One access-log line: time, client, method, path, status, images, response bytes, milliseconds. */
    private void log(HttpExchange ex, long t0) {
        Consumer<String> sink = options.accessLog();
        if (sink == null) {
            return;
        }
        Object status = ex.getAttribute(STATUS);
        Object images = ex.getAttribute(IMAGES);
        Object bytes = ex.getAttribute(BYTES);
        String line = String.format(java.util.Locale.ROOT, "%s %s %s %s %s images=%s bytes=%s ms=%d",
                java.time.Instant.now(), ex.getRemoteAddress().getAddress().getHostAddress(),
                Wire.oneLine(ex.getRequestMethod()), Wire.oneLine(ex.getRequestURI().getRawPath()),
                status == null ? "-" : status, images == null ? 0 : images, bytes == null ? 0 : bytes,
                (System.nanoTime() - t0) / 1_000_000);
        try {
            sink.accept(line);
        } catch (RuntimeException e) {
            // a failing log must not take the service down
        }
    }

    private void route(HttpExchange ex) throws IOException, ApiError {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        String allowed = switch (path) {
            case Wire.INFO -> "GET";
            case Wire.DENOISE, Wire.GENERATE -> "POST";
            default -> null;
        };
        if (allowed == null) {
            drain(ex.getRequestBody());
            throw new ApiError(404, "no such endpoint: " + Wire.oneLine(path)
                    + " (try GET /v1/info, POST /v1/denoise, POST /v1/generate)");
        }
        if (!allowed.equals(method)) {
            drain(ex.getRequestBody());
            ex.getResponseHeaders().set("Allow", allowed);
            throw new ApiError(405, path + " takes " + allowed + ", not " + Wire.oneLine(method));
        }
        switch (path) {
            case Wire.INFO -> {
                drain(ex.getRequestBody());
                sendInfo(ex);
            }
            case Wire.DENOISE -> denoise(ex, parseDenoise(readBody(ex)));
            default -> generate(ex, parseGenerate(readBody(ex)));
        }
    }

    private byte[] readBody(HttpExchange ex) throws IOException, ApiError {
        long limit = options.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length > limit) {
                drain(ex.getRequestBody());
                throw new ApiError(413, "request body of " + length + " bytes exceeds the limit of " + limit
                        + " bytes; send fewer images per request");
            }
        }
        InputStream in = ex.getRequestBody();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            drain(in);
            throw new ApiError(413, "request body exceeds the limit of " + limit
                    + " bytes; send fewer images per request");
        }
        return body;
    }

    /**
     * Reads what is left of a request body so that the client, still sending, sees our answer instead of
     * a reset connection; past {@link #DRAIN_LIMIT} the server drops the connection.
     */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int r;
        while (total < DRAIN_LIMIT && (r = in.read(buf)) >= 0) {
            total += r;
        }
    }

    private DenoiseRequest parseDenoise(byte[] body) throws IOException, ApiError {
        float[] images = null;
        int[] labels = null;
        Double strength = null;
        Integer steps = null;
        long[] seeds = null;
        try (JsonParser p = Wire.FACTORY.createParser(body)) {
            startObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "images" -> images = Wire.readImages(p, "images", imageLength,
                            options.maxImagesPerRequest(), this::tooMany);
                    case "labels" -> labels = p.currentToken() == JsonToken.VALUE_NULL ? null
                            : Wire.readInts(p, "labels");
                    case "strength" -> strength = Wire.number(p, "strength");
                    case "steps" -> steps = steps(p);
                    case "seeds" -> seeds = Wire.readLongs(p, "seeds");
                    default -> throw new ApiError(400, "unknown field \"" + Wire.oneLine(name)
                            + "\"; denoise takes images, labels, strength, steps, seeds");
                }
            }
            endObject(p);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (Wire.FormatException e) {
            throw new ApiError(e.status, e.getMessage());
        }
        require(images, "images");
        require(strength, "strength");
        require(steps, "steps");
        require(seeds, "seeds");
        int n = images.length / imageLength;
        if (n == 0) {
            throw new ApiError(400, "images is empty");
        }
        if (!(strength > 0 && strength <= 1)) {
            throw new ApiError(400, "strength must be in (0, 1], got " + strength);
        }
        checkSeeds(seeds, n);
        checkLabels(labels, n, false);
        return new DenoiseRequest(images, n, labels, strength, steps, seeds);
    }

    private GenerateRequest parseGenerate(byte[] body) throws IOException, ApiError {
        int[] labels = null;
        Long count = null;
        Integer steps = null;
        long[] seeds = null;
        try (JsonParser p = Wire.FACTORY.createParser(body)) {
            startObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "labels" -> labels = p.currentToken() == JsonToken.VALUE_NULL ? null
                            : Wire.readInts(p, "labels");
                    case "count" -> count = Wire.integer(p, "count");
                    case "steps" -> steps = steps(p);
                    case "seeds" -> seeds = Wire.readLongs(p, "seeds");
                    default -> throw new ApiError(400, "unknown field \"" + Wire.oneLine(name)
                            + "\"; generate takes labels or count, steps, seeds");
                }
            }
            endObject(p);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (Wire.FormatException e) {
            throw new ApiError(e.status, e.getMessage());
        }
        if (labels != null && count != null) {
            throw new ApiError(400, "give labels or count, not both");
        }
        if (labels == null && count == null) {
            throw new ApiError(400, numClasses > 0 ? "missing field \"labels\" (or \"count\" for unconditional images)"
                    : "missing field \"count\"");
        }
        require(steps, "steps");
        require(seeds, "seeds");
        long n = labels != null ? labels.length : count;
        if (n < 1) {
            throw new ApiError(400, labels != null ? "labels is empty" : "count must be ≥ 1, got " + n);
        }
        if (n > options.maxImagesPerRequest()) {
            throw new ApiError(413, "too many images: at most " + options.maxImagesPerRequest()
                    + " per request, got " + n);
        }
        checkSeeds(seeds, (int) n);
        checkLabels(labels, (int) n, true);
        return new GenerateRequest((int) n, labels, steps, seeds);
    }

    private void startObject(JsonParser p) throws IOException, ApiError {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new ApiError(400, "request body must be a JSON object");
        }
    }

    private void endObject(JsonParser p) throws IOException, ApiError {
        if (p.nextToken() != null) {
            throw new ApiError(400, "malformed JSON: unexpected content after the request object");
        }
    }

    private int steps(JsonParser p) throws IOException, Wire.FormatException {
        long s = Wire.integer(p, "steps");
        if (s < 1 || s > options.maxSteps()) {
            throw new Wire.FormatException("steps must be in 1.." + options.maxSteps() + ", got " + s);
        }
        return (int) s;
    }

    private void tooMany(long n) throws Wire.FormatException {
        throw new Wire.FormatException("too many images: at most " + options.maxImagesPerRequest()
                + " per request, got " + n + (n == options.maxImagesPerRequest() + 1 ? " or more" : ""), 413);
    }

    private static ApiError malformed(JsonProcessingException e) {
        var loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new ApiError(400, "malformed JSON" + where + ": " + Wire.oneLine(e.getOriginalMessage()));
    }

    private static void require(Object value, String field) throws ApiError {
        if (value == null) {
            throw new ApiError(400, "missing field \"" + field + "\"");
        }
    }

    private static void checkSeeds(long[] seeds, int n) throws ApiError {
        if (seeds.length != n) {
            throw new ApiError(400, "seeds has " + seeds.length + " values for " + n + " images; give one seed per image");
        }
    }

    private void checkLabels(int[] labels, int n, boolean generate) throws ApiError {
        if (labels == null) {
            return;
        }
        if (numClasses == 0) {
            throw new ApiError(400, "this model is unconditional (num_classes 0); "
                    + (generate ? "ask with \"count\" instead of labels" : "omit labels"));
        }
        if (!generate && labels.length != n) {
            throw new ApiError(400, "labels has " + labels.length + " values for " + n + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new ApiError(400, "labels[" + i + "] = " + labels[i] + " is out of range 0.." + (numClasses - 1));
            }
        }
    }

    // ---- calling the target ----

    @FunctionalInterface
    private interface Call {
        float[] run();
    }

    private void denoise(HttpExchange ex, DenoiseRequest r) throws IOException, ApiError {
        ex.setAttribute(IMAGES, r.n());
        float[] out = callTarget(r.n(),
                () -> target.denoise(r.images(), r.labels(), r.strength(), r.steps(), r.seeds()));
        sendImages(ex, out, r.n());
    }

    private void generate(HttpExchange ex, GenerateRequest r) throws IOException, ApiError {
        ex.setAttribute(IMAGES, r.n());
        float[] out = callTarget(r.n(), () -> target.generate(r.labels(), r.steps(), r.seeds()));
        sendImages(ex, out, r.n());
    }

    /** Reserves n queries, runs the call alone, and gives the queries back if the target fails. */
    private float[] callTarget(int n, Call call) throws ApiError {
        reserve(n);
        boolean ok = false;
        try {
            float[] out;
            targetLock.lock();
            try {
                out = call.run();
            } finally {
                targetLock.unlock();
            }
            if (out == null || out.length != (long) n * imageLength) {
                throw new ApiError(500, "target returned " + (out == null ? "nothing" : out.length + " values")
                        + " for " + n + " images of " + imageLength);
            }
            for (float v : out) {
                if (!Float.isFinite(v)) {
                    throw new ApiError(500, "target returned a non-finite pixel");
                }
            }
            ok = true;
            return out;
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "target refused the request: " + describe(e));
        } catch (RuntimeException e) {
            throw new ApiError(500, "target failed: " + describe(e));
        } finally {
            if (!ok) {
                used.addAndGet(-n);
            }
        }
    }

    private void reserve(int n) throws ApiError {
        long budget = options.budget();
        while (true) {
            long u = used.get();
            if (budget - u < n) {
                throw new ApiError(429, "query budget exhausted: this request needs " + n + " queries, "
                        + Math.max(0, budget - u) + " of " + budget + " left");
            }
            if (used.compareAndSet(u, u + n)) {
                return;
            }
        }
    }

    // ---- answers ----

    private void sendImages(HttpExchange ex, float[] images, int n) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(n * imageLength * 12 + 128);
        try (JsonGenerator g = Wire.FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            Wire.writeImages(g, "images", images, 0, n, imageLength);
            writeBudget(g);
            g.writeEndObject();
        }
        send(ex, 200, buf.toByteArray());
    }

    private void sendInfo(HttpExchange ex) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = Wire.FACTORY.createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("api", API);
            g.writeNumberField("channels", channels);
            g.writeNumberField("image_size", imageSize);
            g.writeNumberField("num_classes", numClasses);
            g.writeNumberField("image_length", imageLength);
            if (options.budget() == UNLIMITED) {
                g.writeNullField("budget");
            } else {
                g.writeNumberField("budget", options.budget());
            }
            writeBudget(g);
            g.writeNumberField("max_images_per_request", options.maxImagesPerRequest());
            g.writeNumberField("max_body_bytes", options.maxBodyBytes());
            g.writeNumberField("max_steps", options.maxSteps());
            g.writeEndObject();
        }
        send(ex, 200, buf.toByteArray());
    }

    private void writeBudget(JsonGenerator g) throws IOException {
        g.writeNumberField("queries_used", used.get());
        OptionalLong left = queriesLeft();
        if (left.isPresent()) {
            g.writeNumberField("queries_left", left.getAsLong());
        } else {
            g.writeNullField("queries_left");
        }
    }

    private static void sendError(HttpExchange ex, int status, String message) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (JsonGenerator g = Wire.FACTORY.createGenerator(buf)) {
                g.writeStartObject();
                g.writeStringField("error", Wire.oneLine(message));
                g.writeEndObject();
            }
            buf.write('\n');
            send(ex, status, buf.toByteArray());
        } catch (IOException e) {
            // The client is gone, or the answer had started already.
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.setAttribute(STATUS, status);
        ex.setAttribute(BYTES, body.length);
        ex.getResponseHeaders().set("Content-Type", Wire.JSON);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private static String describe(Throwable e) {
        String m = Wire.oneLine(e.getMessage());
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public String toString() {
        return "BlackBoxServer[" + uri() + ", " + used.get() + " queries used"
                + (options.budget() == UNLIMITED ? "" : " of " + options.budget()) + "]";
    }
}
