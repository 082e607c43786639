package org.diffleak.core.table;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.CsvRows.Row;
import org.diffleak.core.io.CsvRows;
import org.diffleak.core.io.DataException;

/**
 * Reads a CSV with a header row ({@link CsvRows}: RFC 4180, comma separated) into a typed {@link Table}, and
 * writes one back.
 *
 * <p>A column is numeric when every value is a decimal number, except that a column of only two distinct
 * integers (a 0/1 flag such as SeniorCitizen) is categorical; a column of labels is categorical when it has
 * at most {@link TableSchema#maxLevels()} distinct ones. Anything else (an identifier, free text) is neither,
 * and reading stops with one line naming the column, unless the schema drops or declares it. Empty fields
 * and R's "NA" are missing values: rows holding one are skipped and counted.
 */
public final class CsvTable {

    /** A table read from a file and the rows skipped for a missing value. */
    public record Read(Table table, int skippedRows) {}

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvTable() {}

    public static Read read(Path file, TableSchema schema) {
        return parse(file.getFileName().toString(), file.toString(), CsvRows.text(file), schema);
    }

    /** Parses CSV text; name names the table, source prefixes error messages. */
    public static Read parse(String name, String source, String text, TableSchema schema) {
        List<Row> records = CsvRows.parse(text, ',', false, line -> source + " line " + line);
        if (records.isEmpty()) {
            throw new DataException(source + ": empty file; a table needs a header row and at least one row");
        }
        List<String> header = records.get(0).fields();
        checkHeader(source, header, schema);
        if (records.size() == 1) {
            throw new DataException(source + ": a header but no rows");
        }
        int width = header.size();
        List<Row> rows = records.subList(1, records.size());
        for (Row r : rows) {
            if (r.fields().size() != width) {
                throw new DataException(source + " line " + r.line() + ": " + r.fields().size() + " fields, the header has "
                        + width);
            }
        }
        boolean[] skip = new boolean[rows.size()];
        int skipped = 0;
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < width; c++) {
                if (!schema.dropped().contains(header.get(c)) && missing(rows.get(i).fields().get(c))) {
                    skip[i] = true;
                }
            }
            skipped += skip[i] ? 1 : 0;
        }
        if (skipped == rows.size()) {
            throw new DataException(source + ": every row has a missing value (empty or NA)");
        }
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < width; c++) {
            String col = header.get(c);
            if (schema.dropped().contains(col)) {
                continue;
            }
            List<String> values = new ArrayList<>();
            List<Integer> lines = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                if (!skip[i]) {
                    values.add(rows.get(i).fields().get(c));
                    lines.add(rows.get(i).line());
                }
            }
            columns.add(column(source, col, values, lines, schema));
        }
        if (columns.isEmpty()) {
            throw new DataException(source + ": every column is dropped");
        }
        return new Read(new Table(name, columns), skipped);
    }

    /** The column names of a CSV's header row. */
    public static List<String> header(Path file) {
        String first;
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            first = lines.findFirst().orElse("");
        } catch (IOException | UncheckedIOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        List<Row> r = CsvRows.parse(first, ',', false, line -> file + " line " + line);
        if (r.isEmpty()) {
            throw new DataException(file + ": empty file; a table needs a header row and at least one row");
        }
        return r.get(0).fields();
    }

    private static void checkHeader(String source, List<String> header, TableSchema schema) {
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < header.size(); c++) {
            String h = header.get(c);
            if (h.isBlank()) {
                throw new DataException(source + " line 1: column " + (c + 1) + " has no name");
            }
            if (!seen.add(h)) {
                throw new DataException(source + " line 1: column name '" + h + "' appears twice");
            }
        }
        for (String named : union(schema.declared().keySet(), schema.dropped())) {
            if (!seen.contains(named)) {
                throw new DataException(source + ": no column named '" + named + "'; columns: " + String.join(", ", header));
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    static boolean missing(String v) {
        return v.isBlank() || v.equals("NA");
    }

    private static Column column(String source, String name, List<String> values, List<Integer> lines,
            TableSchema schema) {
        ColumnType declared = schema.declared().get(name);
        boolean allNumbers = true;
        boolean allIntegers = true;
        Set<String> distinct = new TreeSet<>();
        for (String v : values) {
            String t = v.trim();
            if (!NUMBER.matcher(t).matches()) {
                allNumbers = false;
                allIntegers = false;
            } else if (allIntegers) {
                double d = Double.parseDouble(t);
                allIntegers = d == Math.rint(d);
            }
            if (distinct.size() <= schema.maxLevels()) {
                distinct.add(v);
            }
        }
        if (declared == ColumnType.NUMERIC) {
            for (int i = 0; i < values.size(); i++) {
                if (!NUMBER.matcher(values.get(i).trim()).matches()) {
                    throw new DataException(source + " line " + lines.get(i) + ": '" + values.get(i)
                            + "' in column " + name + " is not a number (the column is declared numeric)");
                }
            }
            return numeric(name, values);
        }
        if (declared == ColumnType.CATEGORICAL) {
            return categorical(name, values);
        }
        if (allNumbers && !(allIntegers && distinct.size() <= 2)) {
            return numeric(name, values);
        }
        if (distinct.size() <= schema.maxLevels()) {
            return categorical(name, values);
        }
        throw new DataException(source + ": column " + name + " is neither numeric nor categorical (labels such as '"
                + values.get(0) + "', more than " + schema.maxLevels() + " distinct); drop it or declare its type");
    }

    private static NumericColumn numeric(String name, List<String> values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(values.get(i).trim());
        }
        return new NumericColumn(name, v);
    }

    private static CategoricalColumn categorical(String name, List<String> values) {
        List<String> levels = new ArrayList<>(new TreeSet<>(values));
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < levels.size(); k++) {
            index.put(levels.get(k), k);
        }
        int[] codes = new int[values.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = index.get(values.get(i));
        }
        return new CategoricalColumn(name, levels, codes);
    }

    /** Writes the table with a header row, atomically. */
    public static void write(Path file, Table table) {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            List<Column> cols = table.columns();
            for (int c = 0; c < cols.size(); c++) {
                w.write((c > 0 ? "," : "") + quote(cols.get(c).name()));
            }
            w.write('\n');
            for (int r = 0; r < table.rows(); r++) {
                for (int c = 0; c < cols.size(); c++) {
                    w.write((c > 0 ? "," : "") + quote(cols.get(c).text(r)));
                }
                w.write('\n');
            }
            w.flush();
        });
    }

    static String quote(String field) {
        boolean needs = !field.isEmpty() && (field.indexOf(',') >= 0 || field.indexOf('"') >= 0
                || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0
                || Character.isWhitespace(field.charAt(0)) || Character.isWhitespace(field.charAt(field.length() - 1)));
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
