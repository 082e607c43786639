package org.diffleak.core.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.diffleak.core.shift.DistributionCheck;

/**
 * Everything the audit report shows; {@link ReportWriter} renders it. Text fields are plain text (blank
 * lines separate paragraphs), never HTML.
 *
 * @param scenario what was attacked and how the target was made
 * @param threatModel what the attacker knows and may query
 * @param settings audit settings worth showing (bootstraps, timesteps, seeds)
 * @param privacy accountant and canary-audit ε per audited target (empty where neither applies)
 * @param timings wall-clock seconds per stage, in pipeline order
 * @param sections studies run beside membership inference, each with its own report
 * @param computedOn where the numbers were computed: the engine path and host of the engine check (empty where
 *     not known)
 * @param shadowScaling the calibrated attacks' TPR by number of shadows (null outside LiRA's protocol)
 * @param distributionCheck whether the members and non-members differ in distribution by their pixels alone
 *     (null where the audit chose the candidates itself)
 */
public record AuditReport(String title, String scenario, String threatModel, TargetSummary target,
        List<Fact> settings, List<AttackOutcome> attacks, List<ImageGallery> galleries, List<Ablation> ablations,
        List<PrivacyRow> privacy, List<Timing> timings, List<LinkedSection> sections, List<Fact> computedOn,
        ShadowScaling shadowScaling, DistributionCheck distributionCheck) {

    /** A report of membership inference alone. */
    public AuditReport(String title, String scenario, String threatModel, TargetSummary target, List<Fact> settings,
            List<AttackOutcome> attacks, List<ImageGallery> galleries, List<Ablation> ablations,
            List<PrivacyRow> privacy, List<Timing> timings) {
        this(title, scenario, threatModel, target, settings, attacks, galleries, ablations, privacy, timings, List.of(),
                List.of(), null, null);
    }

    /** This report with `more` sections added. */
    public AuditReport withSections(List<LinkedSection> more) {
        List<LinkedSection> all = new ArrayList<>(sections);
        all.addAll(more);
        return new AuditReport(title, scenario, threatModel, target, settings, attacks, galleries, ablations, privacy,
                timings, all, computedOn, shadowScaling, distributionCheck);
    }

    /** This report, saying where its numbers were computed. */
    public AuditReport withComputedOn(List<Fact> facts) {
        return new AuditReport(title, scenario, threatModel, target, settings, attacks, galleries, ablations, privacy,
                timings, sections, facts, shadowScaling, distributionCheck);
    }

    /** This report with the calibrated attacks' scaling by number of shadows. */
    public AuditReport withShadowScaling(ShadowScaling scaling) {
        return new AuditReport(title, scenario, threatModel, target, settings, attacks, galleries, ablations, privacy,
                timings, sections, computedOn, scaling, distributionCheck);
    }

    /** This report with the distribution check of its candidates. */
    public AuditReport withDistributionCheck(DistributionCheck check) {
        return new AuditReport(title, scenario, threatModel, target, settings, attacks, galleries, ablations, privacy,
                timings, sections, computedOn, shadowScaling, check);
    }

    /** Wall-clock time of one stage. */
    public record Timing(String stage, double seconds) {

        public Timing {
            Objects.requireNonNull(stage, "stage");
        }
    }

    public AuditReport {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(threatModel, "threatModel");
        Objects.requireNonNull(target, "target");
        settings = Fact.uniqueCopy(settings, "settings");
        attacks = List.copyOf(attacks);
        galleries = List.copyOf(galleries);
        ablations = List.copyOf(ablations);
        privacy = List.copyOf(privacy);
        timings = List.copyOf(timings);
        sections = List.copyOf(sections);
        computedOn = Fact.uniqueCopy(computedOn, "computedOn");
        if (sections.stream().map(LinkedSection::id).distinct().count() != sections.size()) {
            throw new IllegalArgumentException("sections: an id is given twice");
        }
        if (timings.stream().map(Timing::stage).distinct().count() != timings.size()) {
            throw new IllegalArgumentException("timings: a stage is given twice");
        }
    }
}
