package org.diffleak.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void infersNumericCategoricalAndBinaryFlags() throws IOException {
        Path f = file("age,sex,senior,note\n30,F,0,\"a, b\"\n41.5,M,1,\"say \"\"hi\"\"\"\n2e1,F,0,x\n");
        Table t = CsvTable.read(f, TableSchema.inferred()).table();
        assertThat(t.rows()).isEqualTo(3);
        assertThat(t.names()).containsExactly("age", "sex", "senior", "note");
        assertThat(((NumericColumn) t.column("age")).values()).containsExactly(30, 41.5, 20);
        CategoricalColumn sex = (CategoricalColumn) t.column("sex");
        assertThat(sex.levels()).containsExactly("F", "M");
        assertThat(sex.codes()).containsExactly(0, 1, 0);
        // two distinct integers: a flag, modelled as a category
        assertThat(t.column("senior")).isInstanceOf(CategoricalColumn.class);
        assertThat(t.column("note").text(0)).isEqualTo("a, b");
        assertThat(t.column("note").text(1)).isEqualTo("say \"hi\"");
    }

    @Test
    void raggedRowNamesItsLine() throws IOException {
        Path f = file("a,b\n1,2\n\n3\n");
        assertThatThrownBy(() -> CsvTable.read(f, TableSchema.inferred()))
                .isInstanceOf(DataException.class)
                .hasMessage(f + " line 4: 1 fields, the header has 2");
    }

    @Test
    void emptyFileAndHeaderOnlyAreRefused() throws IOException {
        Path f = file("\n\n");
        assertThatThrownBy(() -> CsvTable.read(f, TableSchema.inferred()))
                .hasMessage(f + ": empty file; a table needs a header row and at least one row");
        Path g = file("a,b\n");
        assertThatThrownBy(() -> CsvTable.read(g, TableSchema.inferred())).hasMessage(g + ": a header but no rows");
    }

    @Test
    void anIdentifierColumnIsNeitherUnlessDropped() throws IOException {
        StringBuilder sb = new StringBuilder("id,x\n");
        for (int i = 0; i < 60; i++) {
            sb.append("c").append(i).append(',').append(i % 7).append('\n');
        }
        Path f = file(sb.toString());
        assertThatThrownBy(() -> CsvTable.read(f, TableSchema.inferred()))
                .isInstanceOf(DataException.class)
                .hasMessage(f + ": column id is neither numeric nor categorical (labels such as 'c0', more than 50"
                        + " distinct); drop it or declare its type");
        Table t = CsvTable.read(f, TableSchema.inferred().dropping(Set.of("id"))).table();
        assertThat(t.names()).containsExactly("x");
        assertThat(t.column("x")).isInstanceOf(NumericColumn.class);
    }

    @Test
    void missingValuesSkipTheirRowsAndDeclaredTypesWin() throws IOException {
        Path f = file("a,b\n1,x\nNA,y\n3,\n4,y\n");
        CsvTable.Read r = CsvTable.read(f, new TableSchema(Map.of("a", ColumnType.CATEGORICAL), Set.of(), 50));
        assertThat(r.skippedRows()).isEqualTo(2);
        assertThat(r.table().rows()).isEqualTo(2);
        assertThat(((CategoricalColumn) r.table().column("a")).levels()).containsExactly("1", "4");
        Path g = file("a,b\n1,x\nz,y\n");
        assertThatThrownBy(() -> CsvTable.read(g, new TableSchema(Map.of("a", ColumnType.NUMERIC), Set.of(), 50)))
                .hasMessage(g + " line 3: 'z' in column a is not a number (the column is declared numeric)");
        assertThatThrownBy(() -> CsvTable.read(g, new TableSchema(Map.of("c", ColumnType.NUMERIC), Set.of(), 50)))
                .hasMessage(g + ": no column named 'c'; columns: a, b");
    }

    @Test
    void writesWhatItReads() throws IOException {
        Path f = file("n,l\n1.25,\"x,y\"\n-3,plain\n");
        Table t = CsvTable.read(f, TableSchema.inferred()).table();
        Path out = dir.resolve("out.csv");
        CsvTable.write(out, t);
        assertThat(Files.readString(out)).isEqualTo("n,l\n1.25,\"x,y\"\n-3,plain\n");
        Table back = CsvTable.read(out, TableSchema.inferred()).table();
        assertThat(((NumericColumn) back.column("n")).values()).containsExactly(1.25, -3);
    }

    @Test
    void unclosedQuoteAndDuplicateNames() throws IOException {
        Path f = file("a,b\n1,\"open\n");
        assertThatThrownBy(() -> CsvTable.read(f, TableSchema.inferred()))
                .hasMessage(f + " line 2: a quoted field is never closed");
        Path g = file("a,a\n1,2\n");
        assertThatThrownBy(() -> CsvTable.read(g, TableSchema.inferred()))
                .hasMessage(g + " line 1: column name 'a' appears twice");
    }
}
