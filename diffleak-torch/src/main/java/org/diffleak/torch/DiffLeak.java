package org.diffleak.torch;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.membership.blackbox.BlackBoxAccess;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.audit.AuditManifest;
import org.diffleak.torch.audit.ModelAudit;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * DiffLeak as a library: audits a model you already have for membership leakage.
 *
 * <pre>{@code
 * AuditRequest request = AuditRequest.of("models/my-unet.pt", "data/members", "data/held-out");
 * AuditReport report = DiffLeak.audit(request, Path.of("runs/my-audit"));
 * for (AttackOutcome a : report.attacks()) {
 *     System.out.printf("%s: AUC %.3f%n", a.name(), a.metrics().auc());
 * }
 * }</pre>
 *
 * Before the attacks, a check that never touches the model asks whether the members and non-members differ in
 * distribution ({@link org.diffleak.core.shift.BlindBaseline}; {@code report.distributionCheck()}); where they do,
 * the headline says the attack figures are inflated by it.
 *
 * The report's attacks hold every attack's raw scores (higher = more likely member) and metrics; the written
 * directory holds index.html, results.json, scores.csv and manifest.json, as {@code diffleak audit --target}
 * writes them. Signals and shadow models are cached under {@code $DIFFLEAK_CACHE} (default
 * {@code ~/.cache/diffleak}) by content hash, so a second call recomputes only what changed.
 */
public final class DiffLeak {

    private DiffLeak() {}

    /** Audits the request's model silently and returns the report without writing files. */
    public static AuditReport audit(AuditRequest request) {
        return audit(request, null, DataFetcher.defaultCacheDir().resolve("audit"), silent(), name -> ProgressListener.NONE);
    }

    /** Audits the request's model silently and writes the report into out. */
    public static AuditReport audit(AuditRequest request, Path out) {
        return audit(request, out, DataFetcher.defaultCacheDir().resolve("audit"), silent(), name -> ProgressListener.NONE);
    }

    /**
     * Audits the request's model; when out is not null, writes the report files there (each atomically, the
     * directory only once every attack has run).
     *
     * @param cache models and signals cached by content hash
     * @param log one line per stage
     * @param progress a progress listener per stage name
     */
    public static AuditReport audit(AuditRequest request, Path out, Path cache, PrintWriter log,
            Function<String, ProgressListener> progress) {
        return audit(request, BlackBoxAccess.defaults(), out, cache, log, progress);
    }

    /**
     * As {@link #audit(AuditRequest, Path, Path, PrintWriter, Function)}, with how a served target is reached
     * (an AUTOMATIC1111-style web API's client settings, captions, size; a {@code diffleak serve} token) and an
     * ONNX image encoder for the encoder-cosine similarity.
     */
    public static AuditReport audit(AuditRequest request, BlackBoxAccess access, Path out, Path cache,
            PrintWriter log, Function<String, ProgressListener> progress) {
        long t0 = System.nanoTime();
        TorchRuntime.init();
        AuditReport report = new ModelAudit(request, access, cache, log, progress).run()
                .withComputedOn(TorchRuntime.computedOn());
        if (out != null) {
            ReportWriter.write(report, out);
            AuditManifest.write(out, "request", request, cache, report, t0);
        }
        return report;
    }

    private static PrintWriter silent() {
        return new PrintWriter(OutputStream.nullOutputStream());
    }
}
