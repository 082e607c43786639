package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.diffleak.core.blackbox.BlackBoxServer;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.attack.LocalBlackBox;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Serves a model as a query-only image service on 127.0.0.1 until the process is stopped, so that
 * black-box attacks (and people with curl) can reach it the way they would reach a deployed model.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a model as a black-box image service (JSON over HTTP) on 127.0.0.1 until stopped.",
            "POST /v1/denoise (img2img), POST /v1/generate, GET /v1/info; each image costs one query."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true,
            description = "model directory, or an imported .pt/.torchscript/.onnx denoiser with its .json spec") Path model;
    @Option(names = {"-p", "--port"}, defaultValue = "8765",
            description = "TCP port on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE})") int port;
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
        BlackBoxServer.Options options = BlackBoxServer.Options.defaults()
                .withPort(port)
                .withBudget(budget == null ? BlackBoxServer.UNLIMITED : budget)
                .withMaxSteps(stepsMax)
                .withMaxBodyBytes(parseSize(maxBody))
                .withMaxImagesPerRequest(maxImages)
                .withThreads(threads);
        PrintWriter out = spec.commandLine().getOut();
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
            throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); pick another --port, or 0 for any free one", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the service on 127.0.0.1:" + port + ": " + e.getMessage(), e);
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
