package org.diffleak.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.property.PropertyResults.Row;
import org.diffleak.core.property.ShareEstimate;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertyReportWriterTest {

    private static Row row(String setting, double p, double cc, double sh, double fd) {
        return new Row(setting, "p = " + p, p, Double.POSITIVE_INFINITY, cc, new ShareEstimate(cc, cc, cc - 0.02, cc + 0.02),
                new ShareEstimate(sh, sh, sh - 0.05, sh + 0.05), fd, fd + 0.5, 0.97,
                setting.equals(PropertyResults.PRIVATE) ? 0.96 : Double.NaN, 1.0, new float[4 * 16], 4);
    }

    @Test
    void writesJsonWithErrorsAndASelfContainedPage(@TempDir Path tmp) throws Exception {
        PropertyResults r = new PropertyResults("footwear", Map.of("private_share", 0.5), 0.98, 0.01, 0.97, List.of(
                row(PropertyResults.UNDEFENDED, 0.1, 0.12, 0.2, 1.0),
                row(PropertyResults.UNDEFENDED, 0.9, 0.86, 0.8, 1.1),
                row(PropertyResults.PRIVATE, 0.1, 0.5, 0.52, 1.5),
                row(PropertyResults.PRIVATE, 0.9, 0.49, 0.45, 1.6)), 1, 4, 12.5);
        Path dir = tmp.resolve("report");
        PropertyReportWriter.write(r, dir);
        JsonNode json = Json.MAPPER.readTree(dir.resolve(PropertyReportWriter.RESULTS).toFile());
        // MAE = (|0.12 − 0.1| + |0.86 − 0.9|)/2 = 0.03; private: (0.4 + 0.41)/2
        assertThat(json.at("/mean_absolute_error/undefended/classifier_count").asDouble()).isCloseTo(0.03, within(1e-12));
        assertThat(json.at("/mean_absolute_error/private sampler/classifier_count").asDouble())
                .isCloseTo(0.405, within(1e-12));
        assertThat(json.at("/mean_absolute_error/undefended/shadow_regression").asDouble()).isCloseTo(0.1, within(1e-12));
        assertThat(json.at("/rows/2/assigned_value_reached").asDouble()).isEqualTo(0.96);
        assertThat(json.at("/rows/3/frechet_distance_matched_share").asDouble()).isEqualTo(2.1);
        assertThat(json.at("/rows/0/assigned_value_reached").isMissingNode()).isTrue();
        assertThat(json.at("/rows/1/classifier_count/ci95/1").asDouble()).isCloseTo(0.88, within(1e-12));
        String html = Files.readString(dir.resolve(PropertyReportWriter.HTML));
        assertThat(html).contains("<svg class=\"plot share\"", "<svg class=\"plot tradeoff\"",
                "data:image/png;base64,", "not Inception FID").doesNotContain("http://", "https://");
        assertThat(html.split("class=\"marker\"").length - 1).isEqualTo(4 * 3);
        LinkedSection section = PropertyReportWriter.section(dir.resolve(PropertyReportWriter.RESULTS), "p/index.html");
        assertThat(section.rows()).hasSize(4);
        assertThat(section.rows().get(1).subList(1, 4)).containsExactly("0.900", "0.860", "0.800");
        assertThat(section.description()).contains("\"footwear\"");
    }
}
