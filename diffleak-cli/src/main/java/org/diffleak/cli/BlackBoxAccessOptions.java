package org.diffleak.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.A1111Target;
import org.diffleak.core.membership.blackbox.BlackBoxAccess;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of `audit --target` and `attack` that say how a served model is reached (an AUTOMATIC1111-style
 * web API, or a `diffleak serve` token) and how black-box answers are compared (an ONNX encoder).
 */
final class BlackBoxAccessOptions {

    /** The options that only an a1111+http(s) target takes. */
    static final List<String> WEB_API = List.of("--captions", "--prompt", "--negative-prompt", "--cfg-scale",
            "--sampler", "--size", "--concurrency", "--budget", "--api-auth", "--query-cache", "--request-timeout");

    @Option(names = "--captions", paramLabel = "FILE.csv", description = "a1111 target: each candidate's prompt,"
            + " lines path,caption (paths relative to the file; a caption may be \"quoted\")")
    Path captions;

    @Option(names = "--prompt", description = "a1111 target without --captions: the prompt of every candidate"
            + " (default \"" + BlackBoxAccess.DEFAULT_PROMPT + "\")")
    String prompt;

    @Option(names = "--negative-prompt", description = "a1111 target: negative_prompt (default empty)")
    String negativePrompt;

    @Option(names = "--cfg-scale", description = "a1111 target: cfg_scale (default 7)")
    Double cfgScale;

    @Option(names = "--sampler", description = "a1111 target: sampler_name (default DDIM, deterministic given the seed)")
    String sampler;

    @Option(names = "--size", paramLabel = "WxH", description = "a1111 target: resize every candidate to W×H (or N"
            + " for N×N; Stable Diffusion servers want multiples of 8); default: the images' own size")
    String size;

    @Option(names = "--concurrency", description = "a1111 target: requests in flight at once (default 1)")
    Integer concurrency;

    @Option(names = "--budget", description = "a1111 target: most queries sent (answers from the query cache are"
            + " free; default unlimited)")
    Long budget;

    @Option(names = "--api-auth", paramLabel = "USER:PASS", description = "a1111 target: HTTP basic auth, or @FILE"
            + " to read it from FILE's first line (kept out of the process list)")
    String apiAuth;

    @Option(names = "--api-token", paramLabel = "TOKEN", description = "http:// target served by `diffleak serve"
            + " --token`: its bearer token, or @FILE to read it from FILE's first line")
    String apiToken;

    @Option(names = "--query-cache", paramLabel = "DIR", description = "a1111 target: where answers are kept so a"
            + " rerun asks only for what it has not got (default CACHE/web-api-answers)")
    Path queryCache;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", description = "a1111 target: how long one request"
            + " may take (default 600)")
    Integer requestTimeout;

    @Option(names = "--encoder", paramLabel = "FILE.onnx", description = "black-box attacks: an ONNX image encoder"
            + " (images [N,C,H,W] in [0,1] → features); adds the cosine of its features to the similarities")
    Path encoder;

    /**
     * The access these options describe for target; web-API options with another target, or a token with
     * other than an http(s) URL, are an error.
     *
     * @param defaultCache the query cache when --query-cache is not given (null: the audit's cache decides)
     */
    BlackBoxAccess access(String target, CommandSpec spec, Path defaultCache) {
        boolean web = A1111Target.isUrl(target);
        if (!web) {
            for (String o : WEB_API) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new IllegalArgumentException(o + " goes with an AUTOMATIC1111-style target,"
                            + " --target a1111+http://HOST:PORT");
                }
            }
        }
        boolean http = target != null && (target.startsWith("http://") || target.startsWith("https://"));
        if (apiToken != null && !http) {
            throw new IllegalArgumentException("--api-token goes with an http(s):// target served by `diffleak serve`");
        }
        A1111Target.Options api = A1111Target.Options.defaults();
        if (apiAuth != null) {
            api = api.withAuth(secret(apiAuth, "--api-auth"));
        }
        if (concurrency != null) {
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("--concurrency must be in 1..64, got " + concurrency);
            }
            api = api.withConcurrency(concurrency);
        }
        if (budget != null) {
            if (budget < 1) {
                throw new IllegalArgumentException("--budget must be ≥ 1, got " + budget);
            }
            api = api.withBudget(budget);
        }
        if (requestTimeout != null) {
            if (requestTimeout < 1) {
                throw new IllegalArgumentException("--request-timeout must be ≥ 1 s, got " + requestTimeout);
            }
            api = api.withTimeout(Duration.ofSeconds(requestTimeout));
        }
        if (negativePrompt != null) {
            api = api.withNegativePrompt(negativePrompt);
        }
        if (cfgScale != null) {
            api = api.withCfgScale(cfgScale);
        }
        if (sampler != null) {
            api = api.withSampler(sampler);
        }
        Path answers = queryCache != null ? queryCache : defaultCache;
        if (answers != null) {
            api = api.withCacheDir(answers);
        }
        int[] hw = size == null ? new int[] {0, 0} : parseSize(size);
        return new BlackBoxAccess(api, captions == null ? null : captions.toString(), prompt, hw[0], hw[1],
                encoder == null ? null : encoder.toString(), apiToken == null ? null : secret(apiToken, "--api-token"));
    }

    /** "WxH" or "N" → {height, width}. */
    static int[] parseSize(String s) {
        String[] p = s.strip().toLowerCase().split("x", -1);
        try {
            int w = Integer.parseInt(p[0].strip());
            int h = p.length == 2 ? Integer.parseInt(p[1].strip()) : w;
            if (p.length <= 2 && w >= 1 && h >= 1 && w <= 8192 && h <= 8192) {
                return new int[] {h, w};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--size must be WxH or N with sides in 1..8192, got '" + s + "'");
    }

    /** A secret given inline, or as @FILE: the file's first line. */
    private static String secret(String value, String option) {
        if (!value.startsWith("@")) {
            return value;
        }
        Path f = Path.of(value.substring(1));
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                throw new DataException(option + " " + value + ": the file is empty");
            }
            return lines.get(0).strip();
        } catch (IOException e) {
            throw new DataException(option + " " + value + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
