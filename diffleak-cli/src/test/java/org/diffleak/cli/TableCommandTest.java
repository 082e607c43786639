package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.table.CategoricalColumn;
import org.diffleak.core.table.CsvTable;
import org.diffleak.core.table.Table;
import org.diffleak.core.table.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableCommandTest {

    @TempDir
    Path dir;

    @Test
    void aBadCsvGivesOneLineAndExitCode2() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "a,b\n1,2\n3\n");
        Cli.Run r = Cli.run("train", "--table", f.toString(), "--out", dir.resolve("run").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("diffleak: error: " + f + " line 3: 1 fields, the header has 2"
                + System.lineSeparator());
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        assertThat(Cli.run("train", "--table", empty.toString()).err().lines().toList())
                .containsExactly("diffleak: error: " + empty + ": empty file; a table needs a header row and at least one row");
    }

    @Test
    void tableOptionsRefuseImageOnlyOnesAndSampleNeedsOneModel() {
        Cli.Run r = Cli.run("train", "--table", "x.csv", "--init-from", "m");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--config, --init-from, --dataset and --classes apply to image models only");
        assertThat(Cli.run("sample", "-n", "3").err())
                .contains("give exactly one of --model (images) and --table-model (tables)");
    }

    /** Trains a few steps on a 2-column table, samples it twice with one seed, and compares with the real rows. */
    @Test
    void trainThenSampleATable() throws IOException {
        StringBuilder sb = new StringBuilder("id,x,g\n");
        for (int i = 0; i < 60; i++) {
            sb.append("r").append(i).append(',').append(i % 13 + 0.5).append(',').append(i % 3 == 0 ? "yes" : "no").append('\n');
        }
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, sb.toString());
        Path run = dir.resolve("run");
        Cli.Run t = Cli.run("train", "--table", csv.toString(), "--drop", "id", "--steps", "4", "--batch-size", "16",
                "--hidden", "16", "--out", run.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("60 rows (0 skipped for a missing value), 1 numeric and 1 categorical columns");
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        for (Path p : List.of(a, b)) {
            Cli.Run s = Cli.run("sample", "--table-model", run.resolve("model").toString(), "-n", "20",
                    "--steps", "5", "--seed", "3", "-o", p.toString(), "--compare", csv.toString());
            assertThat(s.code()).as(s.err()).isZero();
            assertThat(s.out()).contains("wrote 20 rows to " + p).contains("fidelity: mean KS");
        }
        assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
        Table synth = CsvTable.read(a, TableSchema.inferred()).table();
        assertThat(synth.names()).containsExactly("x", "g");
        assertThat(((CategoricalColumn) synth.column("g")).levels()).isSubsetOf("no", "yes");

        Path priv = dir.resolve("private.csv");
        String model = run.resolve("model").toString();
        Cli.Run p = Cli.run("sample", "--table-model", model, "-n", "20", "--steps", "5", "--private-property",
                "g=yes", "--target-share", "0.75", "-o", priv.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains("private sampler: g=yes in 0.7500 of the rows (p* = 0.75)");
        for (String[] bad : new String[][] {{"g=maybe", "0.5", "the model: column g has no value 'maybe'; its values: no, yes"},
                {"h=yes", "0.5", "the model has no column named 'h'"}, {"g=yes", "1.5", "--target-share must be in (0, 1), got 1.5"}}) {
            Cli.Run e = Cli.run("sample", "--table-model", model, "-n", "5", "--private-property", bad[0],
                    "--target-share", bad[1], "-o", dir.resolve("x.csv").toString());
            assertThat(e.code()).isEqualTo(2);
            assertThat(e.err()).isEqualTo("diffleak: error: " + bad[2] + System.lineSeparator());
        }
    }

    /** train --table --dp: DP-SGD through the shared code, the guarantee on the model card. */
    @Test
    void trainsATableWithDpSgd() throws IOException {
        StringBuilder sb = new StringBuilder("x,g\n");
        for (int i = 0; i < 64; i++) {
            sb.append(i % 7 + 0.25).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, sb.toString());
        Path run = dir.resolve("dp");
        Cli.Run t = Cli.run("train", "--table", csv.toString(), "--steps", "3", "--batch-size", "16",
                "--hidden", "16", "--dp", "--target-epsilon", "8", "--out", run.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).containsPattern("\\(ε = [0-9.]+, δ = 1\\.00000e-05\\)-DP with σ = ");
        assertThat(Files.readString(run.resolve("model/table-model.json"))).contains("\"privacy\"");
    }
}
