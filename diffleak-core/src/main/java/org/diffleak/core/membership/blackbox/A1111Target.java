package org.diffleak.core.membership.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BlackBoxTarget} behind the web API of the AUTOMATIC1111 Stable Diffusion web UI (also served by
 * Forge and SD.Next): {@code POST /sdapi/v1/img2img} for {@link #denoise} and {@code POST /sdapi/v1/txt2img}
 * for {@link #generate}, JSON with base64 PNG images. The target's URL is the server's with {@code a1111+} in
 * front: {@code a1111+http://HOST:PORT} or {@code a1111+https://HOST:PORT}.
 *
 * <p>Text takes the place of class labels: the target holds a vocabulary of prompts, and label i asks with
 * prompt i ({@link #numClasses()} is the vocabulary's size). Each image is one request (batch_size 1) of the
 * candidates' own shape (width and height follow them), seed = the attack's seed reduced to 32 bits
 * ({@link #apiSeed}). img2img sends denoising_strength = s and steps as given; the web UI then runs about
 * steps·s sampler steps.
 *
 * <p>A client a server owner can accept: at most {@link Options#concurrency()} requests in flight; a query
 * budget counted on this side (a 429 from the server ends the run the same way, unless it says Retry-After);
 * retries with exponential backoff on 5xx answers and connection failures only; a timeout per request (not
 * retried: the server may still be working on it); HTTP basic auth. With a cache directory every answer is
 * kept on disk under the SHA-256 of (URL, endpoint, init image, prompt, every parameter, seed), written whole
 * or not at all, so a killed audit run again asks only for what it had not got. An answer that is not one
 * PNG of the asked size (an error JSON, a JPEG, another size) is a {@link RemoteTargetException} whose
 * message names the request, and nothing of it is cached.
 */
public final class A1111Target implements BlackBoxTarget, AutoCloseable {

    /** The scheme prefix that marks a target URL as this API. */
    public static final String PREFIX = "a1111+";
    static final String IMG2IMG = "/sdapi/v1/img2img";
    static final String TXT2IMG = "/sdapi/v1/txt2img";
    /** A budget that never runs out. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /**
     * @param auth {@code user:pass} for HTTP basic auth (the web UI's --api-auth), or null
     * @param concurrency most requests in flight at once
     * @param budget most queries this client sends ({@link #UNLIMITED} for no limit); cached answers are free
     * @param attempts tries per request, the first included
     * @param baseDelay wait before the second try; doubles before each further one (at most 30 s)
     * @param timeout how long one request may wait for its answer
     * @param connectTimeout how long opening a connection may take
     * @param cacheDir where answers are kept (null: no cache)
     * @param negativePrompt the negative_prompt of every request
     * @param cfgScale classifier-free guidance scale (cfg_scale)
     * @param sampler sampler_name; DDIM is deterministic given the seed, as the attacks' own sampler
     */
    public record Options(String auth, int concurrency, long budget, int attempts, Duration baseDelay,
            Duration timeout, Duration connectTimeout, Path cacheDir, String negativePrompt, double cfgScale,
            String sampler) {

        public Options {
            if (auth != null && auth.indexOf(':') < 0) {
                throw new IllegalArgumentException("--api-auth must be user:pass");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be ≥ 1, got " + concurrency);
            }
            if (budget < 0) {
                throw new IllegalArgumentException("budget must be ≥ 0, got " + budget);
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be ≥ 1, got " + attempts);
            }
            if (baseDelay == null || baseDelay.isNegative() || timeout == null || timeout.isNegative()
                    || timeout.isZero() || connectTimeout == null || connectTimeout.isNegative()
                    || connectTimeout.isZero()) {
                throw new IllegalArgumentException("delays must be ≥ 0 and timeouts > 0");
            }
            if (!Double.isFinite(cfgScale) || cfgScale < 0) {
                throw new IllegalArgumentException("cfg scale must be finite and ≥ 0, got " + cfgScale);
            }
            negativePrompt = negativePrompt == null ? "" : negativePrompt;
            if (sampler == null || sampler.isBlank()) {
                throw new IllegalArgumentException("a sampler name is required");
            }
        }

        /** No auth, 1 request at a time, no budget, 4 attempts from 1 s, 10 min per request, no cache, DDIM, cfg 7. */
        public static Options defaults() {
            return new Options(null, 1, UNLIMITED, 4, Duration.ofSeconds(1), Duration.ofMinutes(10),
                    Duration.ofSeconds(10), null, "", 7.0, "DDIM");
        }

        public Options withAuth(String a) {
            return new Options(a, concurrency, budget, attempts, baseDelay, timeout, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withConcurrency(int c) {
            return new Options(auth, c, budget, attempts, baseDelay, timeout, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withBudget(long b) {
            return new Options(auth, concurrency, b, attempts, baseDelay, timeout, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withAttempts(int a) {
            return new Options(auth, concurrency, budget, a, baseDelay, timeout, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withBaseDelay(Duration d) {
            return new Options(auth, concurrency, budget, attempts, d, timeout, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withTimeout(Duration t) {
            return new Options(auth, concurrency, budget, attempts, baseDelay, t, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withCacheDir(Path d) {
            return new Options(auth, concurrency, budget, attempts, baseDelay, timeout, connectTimeout, d,
                    negativePrompt, cfgScale, sampler);
        }

        public Options withNegativePrompt(String p) {
            return new Options(auth, concurrency, budget, attempts, baseDelay, timeout, connectTimeout, cacheDir,
                    p, cfgScale, sampler);
        }

        public Options withCfgScale(double c) {
            return new Options(auth, concurrency, budget, attempts, baseDelay, timeout, connectTimeout, cacheDir,
                    negativePrompt, c, sampler);
        }

        public Options withSampler(String s) {
            return new Options(auth, concurrency, budget, attempts, baseDelay, timeout, connectTimeout, cacheDir,
                    negativePrompt, cfgScale, s);
        }
    }

    private final String url;
    private final URI base;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> prompts;
    private final Options options;
    private final String authorization;
    private final ExecutorService pool;
    private final ExecutorService httpThreads;
    private final HttpClient http;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong cached = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Set<String> parameters = new ConcurrentSkipListSet<>();

    /**
     * @param url {@code a1111+http(s)://HOST:PORT[/PATH]}
     * @param channels 1 (grey) or 3 (RGB): the candidates' channels
     * @param prompts the prompt of each label, at least one
     * @throws IllegalArgumentException for a URL or shape the API cannot take
     */
    public A1111Target(String url, int channels, int height, int width, List<String> prompts, Options options) {
        if (!isUrl(url)) {
            throw new IllegalArgumentException("an AUTOMATIC1111-style target URL starts with a1111+http:// or"
                    + " a1111+https://, got '" + url + "'");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("the web API takes grey or RGB images, not " + channels + " channels");
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "×" + height);
        }
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is required");
        }
        if (options == null) {
            throw new IllegalArgumentException("options are required");
        }
        this.url = url.strip().replaceAll("/+$", "");
        this.base = RemoteTarget.parseBase(this.url.substring(PREFIX.length()));
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.prompts = List.copyOf(prompts);
        this.options = options;
        this.authorization = options.auth() == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString(options.auth().getBytes(StandardCharsets.UTF_8));
        int id = CLIENTS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.concurrency(), r -> daemon(r, "diffleak-a1111-" + id + "-q"
                + n.incrementAndGet()));
        this.httpThreads = Executors.newCachedThreadPool(r -> daemon(r, "diffleak-a1111-" + id + "-h"
                + n.incrementAndGet()));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpThreads)
                .build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Whether a target names this API ({@code a1111+http://} or {@code a1111+https://}). */
    public static boolean isUrl(String target) {
        String t = target == null ? "" : target.strip().toLowerCase(Locale.ROOT);
        return t.startsWith(PREFIX + "http://") || t.startsWith(PREFIX + "https://");
    }

    /** The seed sent for an attack's seed: its low 32 bits, unsigned (the web UI's seeds are 32-bit; −1 = random). */
    public static long apiSeed(long seed) {
        return seed & 0xFFFF_FFFFL;
    }

    @Override
    public int channels() {
        return channels;
    }

    /** The side of square images; non-square ones have only {@link #height()} and {@link #width()}. */
    @Override
    public int imageSize() {
        if (height != width) {
            throw new IllegalStateException("the images are " + width + "×" + height + ", not square");
        }
        return height;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    /** The number of prompts: label i asks with prompt i. */
    @Override
    public int numClasses() {
        return prompts.size();
    }

    public List<String> prompts() {
        return prompts;
    }

    /** Queries the server answered for this client (answers from the cache not counted). */
    @Override
    public long queries() {
        return answered.get();
    }

    /** Queries answered from the cache directory instead of the server. */
    public long cachedAnswers() {
        return cached.get();
    }

    /**
     * One line for the report: the queries sent and taken from the cache, and every API parameter used.
     */
    public String summary() {
        return String.format(Locale.ROOT, "%d queries answered by %s, %d from the query cache%s, %d retried;"
                + " %s; %d×%d %s, sampler_name \"%s\", cfg_scale %s, negative_prompt \"%s\", batch_size 1, seeds: the"
                + " attack's, low 32 bits; %d prompt%s", answered.get(), url, cached.get(),
                options.cacheDir() == null ? " (no cache)" : " (" + options.cacheDir() + ")", retries.get(),
                parameters.isEmpty() ? "no request" : String.join(", ", parameters), width, height,
                channels == 1 ? "grey" : "RGB", options.sampler(), trim(options.cfgScale()), options.negativePrompt(),
                prompts.size(), prompts.size() == 1 ? "" : "s");
    }

    @Override
    public float[] denoise(float[] images, int[] labels, double strength, int steps, long[] seeds) {
        int n = count(images, labels, seeds);
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        }
        parameters.add("img2img denoising_strength " + trim(strength) + ", steps " + steps);
        int d = channels * height * width;
        return run(n, i -> {
            byte[] init = Png.encode(images, i * d, channels, height, width);
            ObjectNode body = common(prompt(labels, i), steps, seeds[i]);
            body.putArray("init_images").add(Base64.getEncoder().encodeToString(init));
            body.put("denoising_strength", strength);
            return body;
        });
    }

    @Override
    public float[] generate(int[] labels, int steps, long[] seeds) {
        if (seeds == null) {
            throw new IllegalArgumentException("seeds are required");
        }
        if (labels != null && labels.length != seeds.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + seeds.length + " seeds");
        }
        parameters.add("txt2img steps " + steps);
        return run(seeds.length, i -> common(prompt(labels, i), steps, seeds[i]));
    }

    /** Stops the client's threads. */
    @Override
    public void close() {
        pool.shutdownNow();
        httpThreads.shutdownNow();
    }

    @Override
    public String toString() {
        return "A1111Target[" + url + ", " + channels + "×" + height + "×" + width + ", " + prompts.size()
                + " prompts, " + answered.get() + " queries]";
    }

    // ---- requests ----

    @FunctionalInterface
    private interface Body {
        ObjectNode of(int i) throws IOException;
    }

    /**
     * The n images' requests, at most `concurrency` at once. After the first failure the requests not yet sent are
     * skipped, and this waits for those in flight, whose answers (already paid for) still reach the cache.
     */
    private float[] run(int n, Body body) {
        int d = channels * height * width;
        float[] out = new float[n * d];
        List<Future<?>> futures = new ArrayList<>(n);
        // after a failure the requests not yet sent are skipped; a cancelled Future would not let us wait for the
        // ones in flight, whose answers must reach the cache before this returns
        AtomicBoolean failed = new AtomicBoolean();
        for (int i = 0; i < n; i++) {
            int at = i;
            futures.add(pool.submit(() -> {
                if (failed.get()) {
                    return null;
                }
                try {
                    query(body.of(at), out, at * d);
                } catch (IOException e) {
                    failed.set(true);
                    throw new IllegalStateException("cannot write a request body", e);
                } catch (RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
                return null;
            }));
        }
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                futures.forEach(g -> g.cancel(true));
                Thread.currentThread().interrupt();
                throw new RemoteTargetException("requests to " + url + " interrupted", base, 0, e);
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    private ObjectNode common(String prompt, int steps, long seed) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
        }
        ObjectNode b = MAPPER.createObjectNode();
        b.put("prompt", prompt);
        b.put("negative_prompt", options.negativePrompt());
        b.put("steps", steps);
        b.put("cfg_scale", options.cfgScale());
        b.put("sampler_name", options.sampler());
        b.put("seed", apiSeed(seed));
        b.put("width", width);
        b.put("height", height);
        b.put("batch_size", 1);
        b.put("n_iter", 1);
        b.put("send_images", true);
        b.put("save_images", false);
        return b;
    }

    /** One image's request: from the cache, or from the server (then cached); decoded into out at offset. */
    private void query(ObjectNode body, float[] out, int offset) {
        boolean img2img = body.has("init_images");
        URI uri = URI.create(base + (img2img ? IMG2IMG : TXT2IMG));
        String what = "POST " + PREFIX + uri + " (prompt \"" + shorten(body.get("prompt").asText()) + "\", seed "
                + body.get("seed").asLong() + (img2img ? ", denoising_strength " + trim(body.get(
                "denoising_strength").asDouble()) : "") + ")";
        String key = key(uri, body);
        Path file = options.cacheDir() == null ? null : options.cacheDir().resolve(key + ".png");
        if (file != null && Files.isRegularFile(file)) {
            try {
                Png.decode(Files.readAllBytes(file), channels, height, width, out, offset);
                cached.incrementAndGet();
                return;
            } catch (IOException | Png.BadImageException e) {
                // unreadable or from another shape: asked again and overwritten below
            }
        }
        if (options.budget() != UNLIMITED && sent.incrementAndGet() > options.budget()) {
            sent.decrementAndGet();
            throw new QueryBudgetExceededException(what + ": the query budget of " + options.budget()
                    + " queries is spent (" + answered.get() + " answered); the answers so far are cached, run"
                    + " again with a larger --budget to go on", uri);
        }
        byte[] response;
        try {
            response = call(uri, MAPPER.writeValueAsBytes(body), what);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
        byte[] png;
        try {
            png = image(response);
            Png.decode(png, channels, height, width, out, offset);
        } catch (Png.BadImageException e) {
            throw new RemoteTargetException(what + ": the answer is " + e.getMessage(), uri, 200, null);
        }
        answered.incrementAndGet();
        if (file != null) {
            store(file, png, what, uri);
        }
    }

    /** The one base64 PNG of an answer {"images": [...], "parameters": {...}, "info": "..."}. */
    private static byte[] image(byte[] response) throws Png.BadImageException {
        JsonNode n;
        try {
            n = MAPPER.readTree(response);
        } catch (IOException e) {
            throw new Png.BadImageException("not JSON (" + Wire.oneLine(new String(response, 0,
                    Math.min(response.length, 200), StandardCharsets.UTF_8)) + ")");
        }
        if (n == null || !n.isObject()) {
            throw new Png.BadImageException("not a JSON object");
        }
        JsonNode images = n.get("images");
        if (images == null || !images.isArray() || images.isEmpty()) {
            String error = errorText(n);
            throw new Png.BadImageException(error != null ? "an error: " + error : "a JSON object without images");
        }
        if (!images.get(0).isTextual()) {
            throw new Png.BadImageException("images[0] that is not a base64 string");
        }
        String b64 = images.get(0).asText();
        if (b64.startsWith("data:")) {
            int comma = b64.indexOf(',');
            b64 = comma < 0 ? "" : b64.substring(comma + 1);
        }
        try {
            return Base64.getMimeDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new Png.BadImageException("images[0] that is not base64 (" + Wire.oneLine(e.getMessage()) + ")");
        }
    }

    /** The message of an error answer: the web UI's {"error", "detail", "errors"}, FastAPI's {"detail"}. */
    private static String errorText(JsonNode n) {
        for (String f : List.of("error", "detail", "errors", "message")) {
            JsonNode v = n.get(f);
            if (v != null && !v.isNull()) {
                String s = v.isTextual() ? v.asText() : v.toString();
                if (!s.isBlank()) {
                    String rest = f.equals("error") && n.path("detail").isTextual()
                            ? ": " + n.get("detail").asText() : "";
                    return Wire.oneLine(s + rest);
                }
            }
        }
        return null;
    }

    /** One request with retries: the body on 200; 5xx, connection failures and 429 with Retry-After are retried. */
    private byte[] call(URI uri, byte[] body, String what) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(options.timeout())
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        HttpRequest request = rb.build();
        RemoteTargetException last = null;
        long wait = 0;
        for (int attempt = 1; attempt <= options.attempts(); attempt++) {
            if (attempt > 1) {
                retries.incrementAndGet();
                Wire.sleepBeforeRetry(Math.max(wait, Wire.backoffNanos(options.baseDelay(), attempt - 1)), what, uri);
            }
            wait = 0;
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                last = new RemoteTargetException(what + ": could not connect within "
                        + options.connectTimeout().toMillis() + " ms", uri, 0, e);
                continue;
            } catch (HttpTimeoutException e) {
                throw new RemoteTargetException(what + ": no answer within the timeout of "
                        + options.timeout().toMillis() + " ms (not retried: the server may still be working on it)",
                        uri, 0, e);
            } catch (IOException e) {
                last = new RemoteTargetException(what + ": connection failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + Wire.oneLine(e.getMessage())), uri, 0, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteTargetException(what + ": interrupted", uri, 0, e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return response.body();
            }
            String message = what + ": " + status + " " + Wire.errorMessage(response.body(), A1111Target::errorText);
            if (status == 429) {
                long after = RemoteTarget.retryAfterNanos(response);
                if (after < 0) {
                    throw new QueryBudgetExceededException(message, uri);
                }
                wait = after;
                last = new RemoteTargetException(message, uri, status, null);
                continue;
            }
            if (status >= 500) {
                last = new RemoteTargetException(message, uri, status, null);
                continue;
            }
            if (status == 401 || status == 403) {
                message += authorization == null ? " (the server wants credentials: --api-auth user:pass)"
                        : " (check --api-auth)";
            }
            throw new RemoteTargetException(message, uri, status, null);
        }
        String tries = options.attempts() == 1 ? "1 attempt" : options.attempts() + " attempts";
        throw new RemoteTargetException(last.getMessage() + " (gave up after " + tries + ")", uri, last.status(),
                last.getCause());
    }

    // ---- the answer cache ----

    /**
     * SHA-256 of the URL, endpoint and request with its init image replaced by the image's SHA-256; the
     * request's keys are sorted, so the key covers every parameter sent.
     */
    private String key(URI uri, ObjectNode body) {
        ObjectNode k = body.deepCopy();
        if (k.has("init_images")) {
            k.putArray("init_images").add(sha256(Base64.getDecoder().decode(body.get("init_images").get(0).asText())));
        }
        k.put("url", uri.toString());
        try {
            return sha256(MAPPER.writeValueAsBytes(MAPPER.treeToValue(k, Object.class)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the answer whole or not at all: a temp sibling renamed over the key's file. */
    private static void store(Path file, byte[] png, String what, URI uri) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".answer-", ".tmp");
            try {
                Files.write(tmp, png);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new RemoteTargetException(what + ": cannot write the query cache " + file.getParent() + " ("
                    + Wire.oneLine(e.getMessage()) + ")", uri, 200, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ----

    private String prompt(int[] labels, int i) {
        int label = labels == null ? 0 : labels[i];
        if (label < 0 || label >= prompts.size()) {
            throw new IllegalArgumentException("label " + label + " has no prompt (" + prompts.size() + " prompts)");
        }
        return prompts.get(label);
    }

    private int count(float[] images, int[] labels, long[] seeds) {
        if (images == null || seeds == null) {
            throw new IllegalArgumentException("images and seeds are required");
        }
        int d = channels * height * width;
        if (images.length != (long) seeds.length * d) {
            throw new IllegalArgumentException(images.length + " pixel values do not make " + seeds.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        if (labels != null && labels.length != seeds.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + seeds.length + " images");
        }
        return seeds.length;
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
