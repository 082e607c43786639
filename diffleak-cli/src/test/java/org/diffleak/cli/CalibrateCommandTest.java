package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `diffleak calibrate` on the reference fixtures of diffleak-core's tests, and its one-line errors. */
class CalibrateCommandTest {

    @TempDir
    Path dir;

    /** A reference fixture of diffleak-core's test jar, copied out (the jar may be a zip). */
    private Path fixture(String name) throws IOException {
        Path copy = dir.resolve("fixture-" + name.replace('/', '-'));
        try (InputStream in = CalibrateCommandTest.class.getResourceAsStream("/reference/" + name)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    @Test
    void liraOnlineOnAUsersCsvEqualsTheReferenceCode() throws Exception {
        Path out = dir.resolve("scores.csv");
        Cli.Run r = Cli.run("calibrate", "--signals", fixture("lira/signals-m16.csv").toString(), "--method",
                "lira-online", "-o", out.toString(), "--json", "--bootstrap", "50");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("models").asInt()).isEqualTo(16);
        assertThat(j.get("auc").asDouble()).isBetween(0.5, 1.0);
        assertThat(j.get("tpr_at_1pct_fpr").isNull()).isTrue();
        assertThat(j.get("tpr_at_1pct_fpr_reason").asText()).contains("needs ≥ 101");
        ScoresCsv got = ScoresCsv.read(out);
        ScoresCsv want = ScoresCsv.read(fixture("lira/scores-m16-online-fixed.csv"));
        assertThat(got.ids()).isEqualTo(want.ids());
        for (int i = 0; i < got.scores().length; i++) {
            assertThat(Math.abs(got.scores()[i] - want.scores()[i])).isLessThanOrEqualTo(1e-9 * Math.max(1,
                    Math.abs(want.scores()[i])));
        }
    }

    @Test
    void rmiaOfflineWithAPopulationFileEqualsTheReferenceCode() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> pop = new ArrayList<>();
        for (String l : Files.readAllLines(fixture("rmia/signals.csv"))) {
            // the offline reference models only
            if (!l.matches("ref[0-3],.*")) {
                lines.add(l);
            }
        }
        for (int i = 0; i < 300; i++) {
            pop.add("z" + i);
        }
        Path signals = Files.write(dir.resolve("signals.csv"), lines);
        Path population = Files.write(dir.resolve("z.txt"), pop);
        Path out = dir.resolve("scores.csv");
        Cli.Run r = Cli.run("calibrate", "--signals", signals.toString(), "--method", "rmia", "--offline-a", "0.3",
                "--population", population.toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("rmia: 200 candidates, 4 shadow/reference models");
        assertThat(ScoresCsv.read(out).scores())
                .containsExactly(ScoresCsv.read(fixture("rmia/scores-offline-a0.3-g1.csv")).scores());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path out = dir.resolve("scores.csv");
        String good = "model,id,in,signal\ntarget,a,1,0.5\ntarget,b,0,0.1\ns1,a,1,0.4\ns1,b,0,0.2\ns2,a,0,0.3\n"
                + "s2,b,1,0.1\n";
        assertError(good + "s2,b,1,0.3\n", "lira-online", "signals.csv:8: a second row for model s2, id b");
        assertError(good.replace("s1,a,1,0.4", "s1,a,1,NaN"), "lira-online", "signals.csv:4: signal is NaN");
        assertError(good.replace("s2,a,0,0.3", "s2,a,1,0.3"), "lira-online", "candidate 0 has no OUT shadow");
        assertError(good.replace("s2,b,1,0.1\n", ""), "lira-offline", "model s2 has no signal for b");
        assertError(good, "rmia", "no population ids given");
        assertError(good, "quantile", "unknown calibration method 'quantile'");
        assertError(good, "lira-online --likelihood gaussian", "--likelihood belongs to rmia");
        assertThat(Files.exists(out)).isFalse();
    }

    private void assertError(String csv, String method, String message) throws Exception {
        Path signals = Files.writeString(dir.resolve("signals.csv"), csv);
        List<String> args = new ArrayList<>(List.of("calibrate", "--signals", signals.toString(), "-o",
                dir.resolve("scores.csv").toString(), "--method"));
        args.addAll(List.of(method.split(" ")));
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    }
}
