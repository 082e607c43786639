package org.diffleak.core.recommend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A risk measured against ε: per privacy level, each attack's point estimate and the upper end of its 95%
 * bootstrap interval, read from the results.json of an audit's DP-SGD sweep (membership TPR at a low FPR) or of a
 * reconstruction study (how much of an image the diffusion-prior attacker recovers).
 *
 * @param source {@link #AUDIT} or {@link #RECONSTRUCTION}
 * @param measure what the risk is, for people, e.g. "TPR at 1% FPR"
 * @param levels the private levels by ascending ε, then the non-private one (ε = ∞) where it was measured
 */
public record RiskSweep(String source, String measure, List<Level> levels) {

    public static final String AUDIT = "audit";
    public static final String RECONSTRUCTION = "reconstruction";
    /** The reconstruction study's diffusion-prior attacker, whose success the reconstruction sweep reads. */
    public static final String DIFFUSION_ATTACK = "diffusion";

    /** A point estimate and the upper end of its 95% bootstrap interval. */
    public record Risk(double value, double upper) {}

    /**
     * One measured privacy level.
     *
     * @param label the level as the source names it, e.g. "DP-SGD, target ε = 8"
     * @param epsilon the accountant's ε (∞ for the non-private level)
     * @param noiseMultiplier σ (0 for the non-private level)
     * @param delta δ, sampleRate q and steps T of the DP-SGD recipe (NaN, NaN, 0 for the non-private level)
     * @param risks per attack, in the source's order
     */
    public record Level(String label, double epsilon, double noiseMultiplier, double delta, double sampleRate,
            long steps, Map<String, Risk> risks) {

        public Level {
            Objects.requireNonNull(label, "label");
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException(label + ": ε must be > 0, got " + epsilon);
            }
            risks = Collections.unmodifiableMap(new LinkedHashMap<>(risks));
        }

        /** The attack with the highest upper bound, or null where no attack has one. */
        public String worst() {
            return risks.entrySet().stream().filter(e -> Double.isFinite(e.getValue().upper()))
                    .max(Comparator.comparingDouble(e -> e.getValue().upper())).map(Map.Entry::getKey).orElse(null);
        }

        public boolean isPrivate() {
            return Double.isFinite(epsilon);
        }
    }

    public RiskSweep {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(measure, "measure");
        levels = levels.stream().sorted(Comparator.comparingDouble(Level::epsilon)).toList();
        if (levels.stream().noneMatch(Level::isPrivate)) {
            throw new IllegalArgumentException("the " + source + " measured no private level (no finite ε)");
        }
    }

    /**
     * The audit's DP-SGD sweep from its results.json: the privacy table's rows, each with every attack's TPR at
     * `fpr` and its bootstrap interval.
     *
     * @param fpr 0.01 or 0.001, the false-positive rates the audit reports
     */
    public static RiskSweep fromAudit(JsonNode results, double fpr) {
        String key;
        if (fpr == 0.01) {
            key = "tpr_at_1pct_fpr";
        } else if (fpr == 0.001) {
            key = "tpr_at_0_1pct_fpr";
        } else {
            throw new IllegalArgumentException("the audit reports TPR at FPR 0.01 and 0.001 only, got --at-fpr " + fpr);
        }
        JsonNode privacy = results.path("privacy");
        List<Level> levels = new ArrayList<>();
        boolean figures = true;
        for (JsonNode row : privacy) {
            boolean isPrivate = row.path("private").asBoolean(false);
            if (!row.has("attacks")) {
                figures = false;
                continue;
            }
            Map<String, Risk> risks = new LinkedHashMap<>();
            for (JsonNode a : row.get("attacks")) {
                risks.put(a.path("name").asText(), new Risk(number(a.get(key)), number(a.path(key + "_ci").get(1))));
            }
            levels.add(isPrivate
                    ? new Level(row.path("setting").asText(), number(row.get("accountant_epsilon")),
                            number(row.get("noise_multiplier")), number(row.get("delta")),
                            number(row.get("sample_rate")), row.path("steps").asLong(), risks)
                    : new Level(row.path("setting").asText(), Double.POSITIVE_INFINITY, 0, Double.NaN, Double.NaN, 0,
                            risks));
        }
        boolean sweep = results.path("settings").has("defense");
        if (!sweep || levels.stream().noneMatch(Level::isPrivate)) {
            if (sweep && !figures) {
                throw new IllegalArgumentException("the audit's privacy rows carry no per-attack TPR intervals (written"
                        + " before diffleak recommend): run the audit again, it reuses its cache");
            }
            throw new IllegalArgumentException("the audit has no DP-SGD sweep (no dpsgd defense in its settings and"
                    + " privacy table): run one with a dpsgd defense, e.g. configs/audit-dp.yaml");
        }
        return new RiskSweep(AUDIT, "TPR at " + (fpr == 0.01 ? "1%" : "0.1%") + " FPR", levels);
    }

    /**
     * The diffusion-prior attacker of a reconstruction study from its results.json.
     *
     * @param metric "ssim" (mean SSIM of reconstruction and original) or "encoder" (mean cosine similarity of the
     *     project's encoder features, 1 − the encoder distance)
     */
    public static RiskSweep fromReconstruction(JsonNode results, String metric) {
        String key = switch (metric) {
            case "ssim" -> "ssim";
            case "encoder" -> "encoder_similarity";
            default -> throw new IllegalArgumentException("--metric must be ssim or encoder, got " + metric);
        };
        JsonNode levels = results.get("levels");
        JsonNode settings = results.path("settings");
        if (levels == null || !levels.isArray() || !settings.has("delta")) {
            throw new IllegalArgumentException("not the results.json of a reconstruction study (no levels or settings)");
        }
        List<Level> out = new ArrayList<>();
        for (JsonNode l : levels) {
            JsonNode a = l.path("attacks").get(DIFFUSION_ATTACK);
            if (a == null) {
                throw new IllegalArgumentException("the reconstruction study has no '" + DIFFUSION_ATTACK
                        + "' attacker at ε = " + l.path("epsilon").asText());
            }
            if (!a.has(key + "_ci")) {
                throw new IllegalArgumentException("the reconstruction results carry no bootstrap interval of " + key
                        + " (written before diffleak recommend): run diffleak reconstruct again");
            }
            Map<String, Risk> risks = new LinkedHashMap<>();
            risks.put(DIFFUSION_ATTACK, new Risk(number(a.get(key)), number(a.get(key + "_ci").get(1))));
            String label = l.path("epsilon").asText();
            out.add("inf".equals(label)
                    ? new Level("ε = ∞ (no noise)", Double.POSITIVE_INFINITY, 0, Double.NaN, Double.NaN, 0, risks)
                    : new Level("ε = " + label, Double.parseDouble(label), number(l.get("noise_multiplier")),
                            number(settings.get("delta")), number(settings.get("sample_rate")),
                            settings.path("steps").asLong(), risks));
        }
        return new RiskSweep(RECONSTRUCTION, "mean " + ("ssim".equals(metric) ? "SSIM" : "encoder similarity")
                + " of the diffusion-prior reconstruction", out);
    }

    private static double number(JsonNode n) {
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
