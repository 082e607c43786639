package org.diffleak.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.metrics.MembershipMetrics.Interval;
import org.diffleak.core.shift.DistributionCheck;
import org.diffleak.core.shift.ImageFeatures;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the page and results.json show the distribution check: shifted, not shifted, skipped, matched. */
class DistributionCheckReportTest {

    @TempDir
    Path dir;

    static DistributionCheck check(double auc, double low, double high, boolean shifted) {
        return new DistributionCheck(null, 300, 300, auc, new Interval(low, high), shifted, "logistic regression",
                ImageFeatures.GROUPS, new double[600], 0.25, null);
    }

    private JsonNode write(DistributionCheck c) throws IOException {
        ReportWriter.write(ReportWriterTest.report(ReportWriterTest.threeAttacks(), List.of(), List.of())
                .withDistributionCheck(c), dir);
        return Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile());
    }

    private String html() throws IOException {
        return Files.readString(dir.resolve(ReportWriter.HTML));
    }

    @Test
    void aShiftedCheckOpensTheHeadlineAndSitsBesideEveryAttack() throws IOException {
        JsonNode r = write(check(0.812, 0.77, 0.85, true));
        String headline = r.path("headline").path("text").asText();
        assertThat(headline).startsWith("The member and non-member images differ in distribution: a classifier that"
                + " never queries the model tells them apart with AUC 0.812 [0.770, 0.850]. Every attack figure below"
                + " is an upper bound inflated by that difference").contains("secmi leaks most");
        assertThat(r.path("headline").path("inflated_by_distribution_shift").asBoolean()).isTrue();
        JsonNode d = r.path("distribution_check");
        assertThat(d.path("auc").asDouble()).isEqualTo(0.812);
        assertThat(d.path("auc_ci").get(0).asDouble()).isEqualTo(0.77);
        assertThat(d.path("auc_ci").get(1).asDouble()).isEqualTo(0.85);
        assertThat(d.path("shifted").asBoolean()).isTrue();
        assertThat(d.path("skipped").asBoolean()).isFalse();
        assertThat(d.path("method").asText()).isEqualTo("logistic regression");
        assertThat(d.path("features")).hasSize(ImageFeatures.GROUPS.size());
        assertThat(d.path("rule").asText()).isEqualTo("shifted when the lower end of auc_ci exceeds 0.55");
        String html = html();
        assertThat(html).contains("<section class=\"headline shift\">", "blind AUC<br>(no model)");
        int attacks = html.indexOf("id=\"attacks\"");
        String table = html.substring(attacks, html.indexOf("</table>", attacks));
        assertThat(table.split("<td class=\"num\">0.812<br><span class=\"ci\">\\[0.770, 0.850\\]</span></td>", -1))
                .hasSize(4);
    }

    @Test
    void anUnshiftedCheckIsOneLine() throws IOException {
        JsonNode r = write(check(0.47, 0.40, 0.55, false));
        assertThat(r.path("headline").path("text").asText()).startsWith("secmi leaks most");
        assertThat(r.path("headline").path("inflated_by_distribution_shift").asBoolean()).isFalse();
        assertThat(r.path("distribution_check").path("shifted").asBoolean()).isFalse();
        String html = html();
        assertThat(html).contains("Distribution check ran and found no difference: a classifier that never queries"
                + " the model scored AUC 0.470 [0.400, 0.550] on 300 members and 300 non-members")
                .doesNotContain("blind AUC<br>", "headline shift");
    }

    @Test
    void aSkippedCheckSaysWhyInBoth() throws IOException {
        String reason = "it needs at least 20 images a side, got 12 members and 10 non-members";
        JsonNode d = write(new DistributionCheck(reason, 12, 10, Double.NaN, new Interval(Double.NaN, Double.NaN),
                false, "logistic regression", ImageFeatures.GROUPS, new double[0], 0, null)).path("distribution_check");
        assertThat(d.path("skipped").asBoolean()).isTrue();
        assertThat(d.path("reason").asText()).isEqualTo(reason);
        assertThat(d.path("auc").isNull()).isTrue();
        assertThat(d.path("shifted").isNull()).isTrue();
        assertThat(html()).contains("Distribution check skipped: " + reason + ".");
    }

    @Test
    void matchingSaysHowManyWereKeptAndTheWarningFollowsTheKeptOnes() throws IOException {
        DistributionCheck whole = check(0.80, 0.75, 0.85, true);
        DistributionCheck kept = whole.withMatched(new DistributionCheck.Matched(new int[] {1, 4, 7},
                new int[] {0, 2, 9}, 0.125, check(0.51, 0.42, 0.60, false)));
        JsonNode r = write(kept);
        assertThat(r.path("headline").path("inflated_by_distribution_shift").asBoolean()).isFalse();
        JsonNode m = r.path("distribution_check").path("matched");
        assertThat(m.path("members_kept").asInt()).isEqualTo(3);
        assertThat(m.path("non_members_kept").asInt()).isEqualTo(3);
        assertThat(m.path("caliper").asDouble()).isEqualTo(0.125);
        assertThat(m.path("recheck").path("auc").asDouble()).isEqualTo(0.51);
        assertThat(html()).contains("Matched on distribution:", "the attacks ran on the 3 members and 3 non-members")
                .doesNotContain("headline shift");

        write(whole.withMatched(new DistributionCheck.Matched(new int[] {1}, new int[] {0}, 0.1,
                check(0.70, 0.60, 0.80, true))));
        assertThat(html()).contains("headline shift", "Even the matched member and non-member images differ");
    }
}
