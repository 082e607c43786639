package org.diffleak.core.io;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.diffleak.core.io.DataException;

/**
 * The one CSV reader of the project (tables, scores, signals, image lists), on Jackson's CSV parser. RFC 4180
 * records: double quotes around fields holding separators, quotes or line breaks, "" for a quote inside them;
 * fields as written (callers trim where their format allows); blank lines skipped; a leading BOM dropped.
 * Each record keeps the line it starts on, so that every error names file and line in one line of text.
 */
public final class CsvRows {

    /** One record's fields and the (1-based) line it starts on. */
    public record Row(List<String> fields, int line) {}

    private static final CsvFactory PLAIN = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
    private static final CsvFactory COMMENTS = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .enable(CsvParser.Feature.ALLOW_COMMENTS).build();

    private CsvRows() {}

    /**
     * Reads file's records; a missing or unreadable file is a {@link DataException} naming it.
     *
     * @param comments whether lines starting with # are comments
     * @param at the prefix of an error on a line, e.g. {@code n -> file + ":" + n}
     */
    public static List<Row> read(Path file, char separator, boolean comments, IntFunction<String> at) {
        return parse(text(file), separator, comments, at);
    }

    /** A CSV file's text (UTF-8); a missing or unreadable file is a {@link DataException} naming it. */
    public static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The records of CSV text; see {@link #read}. */
    public static List<Row> parse(String text, char separator, boolean comments, IntFunction<String> at) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<Row> rows = new ArrayList<>();
        int line = 1;
        try (CsvParser p = (comments ? COMMENTS : PLAIN).createParser(body)) {
            p.setSchema(CsvSchema.emptySchema().withColumnSeparator(separator));
            List<String> fields = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_ARRAY) {
                    line = p.currentLocation().getLineNr();
                    fields = new ArrayList<>();
                } else if (t == JsonToken.END_ARRAY) {
                    rows.add(new Row(List.copyOf(fields), line));
                } else {
                    fields.add(p.getText());
                }
            }
        } catch (JsonParseException e) {
            String what = e.getOriginalMessage();
            throw new DataException(at.apply(line) + ": "
                    + (what.startsWith("Missing closing quote") ? "a quoted field is never closed" : what), e);
        } catch (IOException e) {
            throw new DataException(at.apply(line) + ": " + e.getMessage(), e);
        }
        return rows;
    }
}
