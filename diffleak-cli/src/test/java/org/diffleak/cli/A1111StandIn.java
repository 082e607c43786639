package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
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
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * A stand-in for an AUTOMATIC1111 web UI on a loopback port, answering with a small DiffLeak model: grey PNGs,
 * a prompt mapped to a class label, the request's seed as the image's seed, denoising_strength as the
 * img2img strength. It checks HTTP basic auth, answers slowly, fails every `failEvery`-th request with the
 * web UI's 500 error JSON, refuses past a budget (429), can hold requests to let a test kill its client, and
 * counts every answer per request content, so a test can see whether anything was asked twice.
 */
final class A1111StandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NDManager manager;
    private final CloseableDenoiser model;
    private final LocalBlackBox target;
    private final Map<String, Integer> prompts;
    private final String authorization;
    private final long delayMillis;
    private final int failEvery;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final Object modelLock = new Object();

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    /** Answers promised: a request past the budget or hold point is refused before the model runs. */
    private final AtomicInteger granted = new AtomicInteger();
    final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    volatile long budget = Long.MAX_VALUE;
    volatile int holdAfter = Integer.MAX_VALUE;
    final CountDownLatch held = new CountDownLatch(1);
    /** What went wrong inside the stand-in while answering (a test expects none). */
    final List<Exception> failures = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    A1111StandIn(Path modelDir, Map<String, Integer> prompts, String user, String pass, long delayMillis,
            int failEvery) throws IOException {
        this.manager = TorchRuntime.newManager();
        this.model = Denoisers.load(modelDir, manager);
        this.target = new LocalBlackBox(model);
        this.prompts = prompts;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass)
                .getBytes(StandardCharsets.UTF_8));
        this.delayMillis = delayMillis;
        this.failEvery = failEvery;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "a1111+http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            boolean img2img = path.equals("/sdapi/v1/img2img");
            if (!img2img && !path.equals("/sdapi/v1/txt2img")) {
                send(ex, 404, "{\"detail\": \"Not Found\"}");
                return;
            }
            if (!authorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"detail\": \"Incorrect username or password\"}");
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            int n = requests.incrementAndGet();
            if (failEvery > 0 && n % failEvery == 0) {
                send(ex, 500, "{\"error\": \"RuntimeException\", \"detail\": \"stand-in hiccup\", \"body\": \"\","
                        + " \"errors\": \"\"}");
                return;
            }
            int grant = granted.incrementAndGet();
            if (grant > budget) {
                granted.decrementAndGet();
                send(ex, 429, "{\"detail\": \"query budget exhausted\"}");
                return;
            }
            if (grant > holdAfter) {
                granted.decrementAndGet();
                held.countDown();
                release.await();
                send(ex, 503, "{\"detail\": \"restarting\"}");
                return;
            }
            JsonNode req = JSON.readTree(body);
            Integer label = prompts.get(req.path("prompt").asText());
            int size = target.imageSize();
            if (label == null || req.path("width").asInt() != size || req.path("height").asInt() != size) {
                granted.decrementAndGet();
                send(ex, 422, "{\"detail\": [{\"msg\": \"unknown prompt or size\"}]}");
                return;
            }
            long seed = req.get("seed").asLong();
            int steps = req.get("steps").asInt();
            float[] out;
            synchronized (modelLock) {
                if (img2img) {
                    BufferedImage init = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder()
                            .decode(req.get("init_images").get(0).asText())));
                    float[] x = new float[size * size];
                    for (int y = 0; y < size; y++) {
                        for (int i = 0; i < size; i++) {
                            x[y * size + i] = init.getRaster().getSample(i, y, 0) / 255f;
                        }
                    }
                    out = target.denoise(x, new int[] {label}, req.get("denoising_strength").asDouble(), steps,
                            new long[] {seed});
                } else {
                    out = target.generate(new int[] {label}, steps, new long[] {seed});
                }
            }
            Thread.sleep(delayMillis);
            // counted before the answer leaves: a client that has read it (and a test that then reads the counts)
            // must see it counted
            String key = sha256(path + "|" + req.path("init_images") + "|" + req.get("prompt").asText() + "|" + seed
                    + "|" + req.path("denoising_strength").asText() + "|" + steps);
            answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            answered.incrementAndGet();
            send(ex, 200, "{\"images\": [\"" + Base64.getEncoder().encodeToString(png(out, size))
                    + "\"], \"parameters\": {}, \"info\": \"{}\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failures.add(e);
            throw e;
        }
    }

    /** The reference quantization of an answer: round(255·v) of v clipped to [0, 1]. */
    static float level(float v) {
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255) / 255f;
    }

    private static byte[] png(float[] px, int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.getRaster().setSample(x, y, 0, Math.round(level(px[y * size + x]) * 255));
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        pool.shutdownNow();
        model.close();
        manager.close();
    }
}
