package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.BlackBoxServer;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.runtime.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Serves a model as a query-only image service until the process is stopped, so that black-box attacks (and
 * people with curl) can reach it the way they would reach a deployed model. It listens on 127.0.0.1; any
 * other address needs a bearer token, and gets a per-client rate limit; every request goes to the access log.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a model as a black-box image service (JSON over HTTP) on 127.0.0.1 until stopped;"
                + " --bind another address only with --token.",
            "POST /v1/denoise (img2img), POST /v1/generate, GET /v1/info; each image costs one query."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true,
            description = "model directory, or an imported .pt/.torchscript/.onnx denoiser with its .json spec") Path model;
    @Option(names = {"-p", "--port"}, defaultValue = "8765",
            description = "TCP port; 0 picks a free one (default ${DEFAULT-VALUE})") int port;
    @Option(names = "--bind", defaultValue = BlackBoxServer.LOOPBACK, paramLabel = "ADDRESS",
            description = "address to listen on (default ${DEFAULT-VALUE}); any but loopback needs --token")
    String bind;
    @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token every request must carry"
            + " (Authorization: Bearer TOKEN; at least 16 characters), or @FILE to read it from FILE's first line")
    String token;
    @Option(names = "--rate-limit", paramLabel = "PER_SECOND", description = "requests per second per client"
            + " address, 429 with Retry-After beyond (default: none on loopback, 10 on any other address; 0 = none)")
    Double rateLimit;
    @Option(names = "--access-log", paramLabel = "FILE", defaultValue = "-", description = "one line per request"
            + " (time, client, method, path, status, images, bytes, ms; never the token), appended to FILE;"
            + " - for standard output (default)")
    String accessLog;
    @Option(names = "--budget", description = "total queries (images) the service answers before refusing with 429 "
            + "(default: unlimited)") Long budget;
    @Option(names = "--steps-max", defaultValue = "1000",
            description = "most DDIM steps a request may ask for (default ${DEFAULT-VALUE})") int stepsMax;
    @Option(names = "--max-body", defaultValue = "8M",
            description = "largest request body: bytes, or with K, M, G (binary) (default ${DEFAULT-VALUE})") String maxBody;
    @Option(names = "--max-images", defaultValue = "256",
            description = "most images per request (default ${DEFAULT-VALUE})") int maxImages;
    @Option(names = "--threads", defaultValue = "4",
            description = "request threads; the model still runs one request at a time (default ${DEFAULT-VALUE})") int threads;
    @Option(names = "--raw-weights", description = "DiffLeak models: use the raw weights instead of their EMA") boolean raw;

    /** Completed with the service's URL once it listens (tests wait on it). */
    final CompletableFuture<URI> started = new CompletableFuture<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    /** Ends a running {@link #call()} as if the process had been stopped (tests). */
    void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (budget != null && budget < 0) {
            throw new IllegalArgumentException("--budget must be ≥ 0, got " + budget);
        }
        if (stepsMax < 1 || maxImages < 1 || threads < 1) {
            throw new IllegalArgumentException("--steps-max, --max-images and --threads must be ≥ 1");
        }
        String secret = token == null ? null : secret(token);
        boolean loopback = isLoopback(bind);
        if (!loopback && secret == null) {
            throw new IllegalArgumentException("--bind " + bind + " listens beyond this machine: give --token (anyone"
                    + " who can reach the port could query the model)");
        }
        double rate = rateLimit != null ? rateLimit : loopback ? 0 : 10;
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate-limit must be a number ≥ 0, got " + rateLimit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (PrintWriter log = accessLog.equals("-") ? null : openLog(Path.of(accessLog))) {
            PrintWriter sink = log != null ? log : out;
            return serve(BlackBoxServer.Options.defaults().withBind(bind).withToken(secret).withRateLimit(rate)
                    .withAccessLog(line -> {
                        sink.println(line);
                        sink.flush();
                    }), out, rate);
        }
    }

    private Integer serve(BlackBoxServer.Options base, PrintWriter out, double rate) {
        BlackBoxServer.Options options = base
                .withPort(port)
                .withBudget(budget == null ? BlackBoxServer.UNLIMITED : budget)
                .withMaxSteps(stepsMax)
                .withMaxBodyBytes(parseSize(maxBody))
                .withMaxImagesPerRequest(maxImages)
                .withThreads(threads);
        try (NDManager manager = TorchRuntime.newManager();
                CloseableDenoiser loaded = Denoisers.load(model, manager, !raw)) {
            LocalBlackBox target = new LocalBlackBox(loaded);
            try (BlackBoxServer server = start(target, options)) {
                Thread hook = new Thread(server::close, "diffleak-serve-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    out.println("serving on " + server.uri() + " (budget "
                            + (budget == null ? "unlimited" : budget + " queries") + ")");
                    out.println("model " + model + ": " + target.channels() + "×" + target.imageSize() + "×"
                            + target.imageSize() + (target.numClasses() > 0 ? ", " + target.numClasses() + " classes"
                            : ", unconditional") + "; ≤ " + maxImages + " images and " + options.maxBodyBytes()
                            + " bytes per request, ≤ " + stepsMax + " steps; stop with Ctrl-C");
                    out.println((options.token() != null ? "bearer token required" : "no token")
                            + (rate > 0 ? "; at most " + rate + " requests per second per client" : "; no rate limit")
                            + "; access log " + (accessLog.equals("-") ? "on standard output" : accessLog));
                    out.flush();
                    started.complete(server.uri());
                    awaitStop();
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // the JVM is shutting down; the hook closes the server
                    }
                }
                server.close();
                out.println("stopped after " + server.queriesUsed() + " queries");
                out.flush();
            }
        } finally {
            started.completeExceptionally(new IllegalStateException("serve ended before it listened"));
        }
        return 0;
    }

    private BlackBoxServer start(LocalBlackBox target, BlackBoxServer.Options options) {
        try {
            return BlackBoxServer.start(target, options);
        } catch (BindException e) {
            throw new IllegalArgumentException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "); pick another --port, or 0 for any free one", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the service on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + address + ": not an address of this machine");
        }
    }

    private static PrintWriter openLog(Path file) {
        try {
            return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new DataException("--access-log " + file + ": cannot open (" + e.getMessage() + ")", e);
        }
    }

    /** A secret given inline, or as @FILE: the file's first line. */
    private static String secret(String value) {
        if (!value.startsWith("@")) {
            return value;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(value.substring(1)), StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                throw new DataException("--token " + value + ": the file is empty");
            }
            return lines.get(0).strip();
        } catch (IOException e) {
            throw new DataException("--token " + value + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private void awaitStop() {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "8388608", "512K", "8M", "8MiB", "1G" → bytes (binary multiples). */
    static long parseSize(String s) {
        String t = s.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        if (unit > 1) {
            t = t.substring(0, t.length() - 1).strip();
        }
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-body must be a size like 8M, 512K or 1048576, got '" + s + "'");
        }
        if (v < 1 || v > Long.MAX_VALUE / unit || v * unit < 1024) {
            throw new IllegalArgumentException("--max-body must be at least 1K, got '" + s + "'");
        }
        return v * unit;
    }
}
