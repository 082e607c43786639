package org.diffleak.core.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.data.CandidateImages;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.report.Ablation;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.Fact;
import org.diffleak.core.report.ImageGallery;
import org.diffleak.core.report.PrivacyRow;
import org.diffleak.core.report.ShadowScaling;
import org.diffleak.core.report.TargetSummary;

/** Puts an audit's outcomes, texts, galleries and ablations into the report model. */
public final class AuditReportBuilder {

    private static final int GALLERY = 8;

    private AuditReportBuilder() {}

    /** @param privacy the privacy table's rows (empty for an audit without DP-SGD or canaries) */
    public static AuditReport build(AuditSignals s, List<AttackOutcome> outcomes, List<Ablation> ablations,
            List<PrivacyRow> privacy) {
        AuditConfig c = s.config();
        List<AuditReport.Timing> timings = s.timings().stream()
                .map(t -> new AuditReport.Timing(t.name(), t.seconds())).toList();
        List<String> ids = IntStream.of(s.targetIds()).mapToObj(i -> "#" + i).toList();
        AuditReport report = new AuditReport("DiffLeak membership audit: " + c.name(), scenario(c), threatModel(c),
                new TargetSummary(c.name(), s.targetFacts()), settings(c), outcomes,
                galleries(s.targetCandidates(), ids, s.targetMembers(), outcomes), ablations, privacy, timings);
        return s.calibration() == null ? report : report.withShadowScaling(shadowScaling(s));
    }

    /**
     * The report of an audit of the owner's own model.
     *
     * @param targetFacts what the header says of the target: its file, hash, candidates, access, what did not run
     * @param candidates members first, then non-members, in the order of the outcomes' scores
     * @param shadows shadow models the decision rules were fitted on (0: raw scores only)
     */
    public static AuditReport forModel(AuditRequest r, List<Fact> targetFacts, CandidateImages candidates, int members,
            int shadows, List<AttackOutcome> outcomes, List<AuditReport.Timing> timings) {
        int nonMembers = candidates.size() - members;
        String scenario = "The owner's model " + r.target() + " was audited on " + members + " images it was trained"
                + " on (" + r.members() + ") and " + nonMembers + " images it was not trained on (" + r.nonMembers()
                + "). The audit asks whether an attacker can tell them apart.";
        String access = r.remote()
                ? "The target is served over HTTP: only black-box attacks ran. They query the service as any client"
                        + " can: img2img (noise the query to strength s, denoise it back, compare with the query) or,"
                        + " for a class-conditional model, label-only generation."
                : "The model file is at hand: gray-box attacks (loss, PIA, PIAN, SecMI, SimA) query the noise"
                        + " prediction ε_θ(x_t, t); black-box attacks query generated images only (img2img and, for a"
                        + " class-conditional model, label-only generation).";
        String fitted = ", where membership is known, and fits every decision rule (threshold, Gaussian likelihood"
                + " ratio, MLP) on them only; the target's labels serve the metrics alone.";
        String decisions = shadows > 0 && r.aux() != null
                ? "The attacker fine-tunes " + shadows + " shadow model(s) from " + r.shadowBase()
                        + " on its own images (" + r.aux() + ")" + fitted
                : shadows > 0
                ? "The attacker has " + shadows + " shadow model(s) (" + r.shadowModels() + ") with the images each"
                        + " was and was not trained on" + fitted
                : "No shadow models (neither aux images with a shadow base nor shadow models given): the report"
                        + " shows raw-score attacks, whose AUC and TPR at low FPR need no threshold; decision rules fitted on shadows (threshold,"
                        + " Gaussian likelihood ratio, MLP) and their balanced accuracy are not run.";
        List<Fact> settings = new ArrayList<>(attackSettings(r.attacks()));
        settings.add(new Fact("bootstrap", AuditScoring.BOOTSTRAPS + " stratified resamples, 95% percentile intervals"));
        settings.add(new Fact("seed", Long.toString(r.seed())));
        List<String> ids = candidates.ids();
        return new AuditReport("DiffLeak membership audit: " + r.name(), scenario, access + "\n\n" + decisions,
                new TargetSummary(r.name(), targetFacts), settings, outcomes,
                galleries(candidates.images(), ids, members, outcomes), List.of(), List.of(), timings);
    }

    private static String scenario(AuditConfig c) {
        if (c.calibration() != null) {
            return "LiRA's protocol: the target was " + (c.base() != null ? "fine-tuned from " + c.base() + " (which saw"
                    + " none of them)" : "trained from scratch") + " on a random half of a pool of "
                    + c.calibration().pool() + " images, and the audit asks, for every image of the pool, whether it"
                    + " was in that half.";
        }
        String t = c.target().members() + " private images";
        String how = c.scenario().equals("fine-tune")
                ? "A public base diffusion model (" + c.base() + ") was fine-tuned on " + t + "."
                : "A diffusion model was trained from scratch on " + t + " only.";
        String nul = c.nullTarget() ? "\n\nNull preset: the target was trained on images disjoint from both candidate"
                + " sets, so every AUC should be 0.5 within sampling error." : "";
        String nonMembers = c.nonMemberCandidates() == c.candidates() ? "as many non-members"
                : c.nonMemberCandidates() + " non-members";
        return how + " The audit asks, for " + c.candidates() + " of those members and " + nonMembers + " from the"
                + " same distribution, whether an attacker can tell them apart." + nul;
    }

    private static String threatModel(AuditConfig c) {
        if (c.calibration() != null) {
            return "Gray-box and black-box attacks as in the default audit give one signal per image. The attacker"
                    + " fine-tunes " + c.shadows() + " shadow models with the target's recipe, each on its own random"
                    + " half of the pool, so every image has shadows that trained on it (IN) and shadows that did not"
                    + " (OUT). Per image, LiRA compares the target's signal with Gaussians fitted to the IN and OUT"
                    + " shadows' signals (online) or to the OUT ones only (offline); RMIA compares the target's"
                    + " likelihood ratio against the shadows with that of " + c.calibration().population()
                    + " population images. \"raw\" is the uncalibrated signal under one global threshold.";
        }
        return "Gray-box attacks (loss, PIA, PIAN, SecMI, SimA) query the noise prediction ε_θ(x_t, t) only."
                + "\n\nBlack-box attacks query the deployed model as a service: img2img (noise the query to strength s,"
                + " denoise it back, compare with the query) or, for a class-conditional model, label-only generation"
                + " (generate images of the query's label, compare the closest with the query). Labels are either the"
                + " true ones or predicted by the attacker's own classifier."
                + "\n\nThe attacker trains " + c.shadows() + " shadow model(s) with the same recipe on its own data,"
                + " where membership is known, and fits every decision rule (threshold, Gaussian likelihood ratio, MLP)"
                + " on them only; the target's membership labels are used for the metrics and nothing else.";
    }

    private static List<Fact> settings(AuditConfig c) {
        List<Fact> f = new ArrayList<>(attackSettings(c.attacks()));
        if (c.defense() != null) {
            AuditConfig.Defense d = c.defense();
            f.add(new Fact("defense", String.format("DP-SGD on target and shadows at ε ∈ {%s}, δ = %g, clip C = %g;"
                    + " σ calibrated to each ε over the training steps", String.join(", ", d.labels()), d.delta(),
                    d.clip())));
        }
        if (c.canaries() != null) {
            f.add(new Fact("canaries", String.format("%d %s canaries, each inserted into the target's training set"
                    + " by a fair coin (seed %d)", c.canaries().count(), c.canaries().kind(), c.canaries().seed())));
        }
        f.add(new Fact("bootstrap", AuditScoring.BOOTSTRAPS + " stratified resamples, 95% percentile intervals"));
        f.add(new Fact("seed", Long.toString(c.seed())));
        return f;
    }

    /**
     * Each calibrated attack's TPR with its first k shadows, at 0.1% FPR where the non-members resolve it, else at
     * 1% (null: no rate is resolvable).
     */
    static ShadowScaling shadowScaling(AuditSignals s) {
        List<Integer> counts = s.config().calibration().shadowCounts();
        int nonMembers = s.targetNonMembers();
        double fpr = nonMembers >= MembershipMetrics.nonMembersToResolve(MembershipMetrics.FPR_01PCT)
                ? MembershipMetrics.FPR_01PCT : MembershipMetrics.FPR_1PCT;
        if (nonMembers < MembershipMetrics.nonMembersToResolve(fpr)) {
            return null;
        }
        boolean fine = fpr == MembershipMetrics.FPR_01PCT;
        List<ShadowScaling.Line> lines = new ArrayList<>();
        for (var e : CalibratedScoring.byShadows(s).entrySet()) {
            int k = counts.size();
            double[] tpr = new double[k];
            double[] low = new double[k];
            double[] high = new double[k];
            for (int i = 0; i < k; i++) {
                MembershipMetrics m = e.getValue().get(i);
                MembershipMetrics.Interval ci = fine ? m.tprAt01PctFprCi() : m.tprAt1PctFprCi();
                tpr[i] = fine ? m.tprAt01PctFpr() : m.tprAt1PctFpr();
                low[i] = ci.low();
                high[i] = ci.high();
            }
            lines.add(new ShadowScaling.Line(e.getKey(), tpr, low, high));
        }
        return new ShadowScaling(counts, fpr, lines);
    }

    private static List<Fact> attackSettings(AuditConfig.AttackSettings a) {
        List<Fact> f = new ArrayList<>();
        if (a.loss() != null) {
            f.add(new Fact("loss attack", "t = " + a.loss().t() + ", " + a.loss().repeats() + " repetitions"));
        }
        if (a.pia() != null) {
            f.add(new Fact("PIA", "t = " + a.pia().t() + ", p = 4"));
        }
        if (a.secmi() != null) {
            f.add(new Fact("SecMI", "t = " + a.secmi().t() + ", stride " + a.secmi().stride()));
        }
        if (a.sima() != null) {
            String t = a.sima().timesteps().size() == 1 ? "t = " + a.sima().t()
                    : "t among " + a.sima().timesteps() + " chosen by the shadows' mean AUC (t = " + a.sima().t()
                            + " without shadows)";
            f.add(new Fact("SimA", t + ", one query of the clean candidate per t, "
                    + (a.sima().statistic().equals("l4") ? "−Σ|ε̂|⁴ (the authors' statistic)" : "−‖ε̂‖₂")));
        }
        if (a.reconstruction() != null) {
            f.add(new Fact("reconstruction", "strength " + a.reconstruction().strength() + ", "
                    + a.reconstruction().steps() + " DDIM steps, " + a.reconstruction().noisings() + " noisings"));
        }
        if (a.generation() != null) {
            f.add(new Fact("generation", a.generation().generations() + " images per label, "
                    + a.generation().steps() + " DDIM steps"));
        }
        f.add(new Fact("threshold similarity", a.metric()));
        return f;
    }

    /** The best attack's most and least exposed members, with their scores; ids label the images. */
    private static List<ImageGallery> galleries(ImageDataset d, List<String> ids, int targetMembers,
            List<AttackOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        AttackOutcome best = AuditScoring.best(outcomes);
        double[] scores = best.scores().scores();
        Integer[] members = IntStream.range(0, targetMembers).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed()).toArray(Integer[]::new);
        int k = Math.min(GALLERY, members.length / 2);
        int[] top = new int[k];
        int[] bottom = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = members[i];
            bottom[i] = members[members.length - 1 - i];
        }
        String by = best.name() + " (" + best.scenario() + ", " + best.inference() + ")";
        return List.of(gallery(d, ids, top, scores, "Most exposed members", "Members the strongest attack, " + by
                        + ", scores highest: the training images this model gives away first."),
                gallery(d, ids, bottom, scores, "Least exposed members", "Members that " + by + " scores lowest."));
    }

    private static ImageGallery gallery(ImageDataset d, List<String> ids, int[] rows, double[] scores, String title,
            String caption) {
        int px = d.imageSize();
        float[] pixels = new float[rows.length * px];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            d.copyImage(rows[i], pixels, i * px);
            String id = ids.get(rows[i]);
            labels.add(String.format("%s · %.4g", id.substring(id.lastIndexOf('/') + 1), scores[rows[i]]));
        }
        return new ImageGallery(title, caption, pixels, rows.length, d.channels(), d.height(), d.width(),
                Math.min(8, rows.length), labels);
    }
}
