package org.diffleak.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;

class CsvRowsTest {

    @Test
    void recordsKeepTheLineTheyStartOnAcrossBlankLinesAndQuotedLineBreaks() {
        String text = "\uFEFFa,b\n\n  \n1,\"x\ny\"\r\n2, z \n3,\"q\"\"r\"";
        List<CsvRows.Row> rows = CsvRows.parse(text, ',', false, n -> "t.csv:" + n);
        assertThat(rows).containsExactly(new CsvRows.Row(List.of("a", "b"), 1),
                new CsvRows.Row(List.of("1", "x\ny"), 4), new CsvRows.Row(List.of("2", " z "), 6),
                new CsvRows.Row(List.of("3", "q\"r"), 7));
    }

    @Test
    void commentsOnlyWhereAsked() {
        assertThat(CsvRows.parse("# c\np\n", ',', true, n -> "l:" + n))
                .containsExactly(new CsvRows.Row(List.of("p"), 2));
        assertThat(CsvRows.parse("# c\n", ',', false, n -> "l:" + n))
                .containsExactly(new CsvRows.Row(List.of("# c"), 1));
    }

    @Test
    void anUnclosedQuoteNamesTheLineItOpensOn() {
        assertThatThrownBy(() -> CsvRows.parse("a,b\n1,\"open\n2,3\n", ',', false, n -> "t.csv line " + n))
                .isInstanceOf(DataException.class)
                .hasMessage("t.csv line 2: a quoted field is never closed");
    }
}
