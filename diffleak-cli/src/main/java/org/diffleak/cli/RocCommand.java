package org.diffleak.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "roc", mixinStandardHelpOptions = true,
        description = "Membership metrics from raw scores: a CSV id,label,score (label 1 = member, higher score ="
                + " more likely member).")
final class RocCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scores", required = true, description = "CSV with columns id,label,score")
    Path scores;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples for the 95% intervals")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "0", description = "bootstrap seed")
    long seed;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        ScoresCsv csv = ScoresCsv.read(scores);
        MembershipMetrics m = MembershipMetrics.compute(csv.labels(), csv.scores(), bootstrap, seed);
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("auc", m.auc());
            r.put("tpr_at_1pct_fpr", m.tprAt1PctFpr());
            r.put("tpr_at_0_1pct_fpr", m.tprAt01PctFpr());
            r.put("balanced_accuracy", m.balancedAccuracy());
            r.put("members", m.members());
            r.put("non_members", m.nonMembers());
            r.put("ci95", Map.of("auc", m.aucCi(), "tpr_at_1pct_fpr", m.tprAt1PctFprCi(), "tpr_at_0_1pct_fpr",
                    m.tprAt01PctFprCi(), "balanced_accuracy", m.balancedAccuracyCi()));
            out.println(Json.toJson(r));
        } else {
            out.printf("AUC %.4f [%.4f, %.4f]%n", m.auc(), m.aucCi().low(), m.aucCi().high());
            out.printf("TPR@1%%FPR %.4f [%.4f, %.4f]%n", m.tprAt1PctFpr(), m.tprAt1PctFprCi().low(),
                    m.tprAt1PctFprCi().high());
            out.printf("TPR@0.1%%FPR %.4f [%.4f, %.4f]%n", m.tprAt01PctFpr(), m.tprAt01PctFprCi().low(),
                    m.tprAt01PctFprCi().high());
            out.printf("balanced accuracy %.4f [%.4f, %.4f]%n", m.balancedAccuracy(), m.balancedAccuracyCi().low(),
                    m.balancedAccuracyCi().high());
            out.printf("%d members, %d non-members%n", m.members(), m.nonMembers());
        }
        return 0;
    }
}
