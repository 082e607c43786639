package org.diffleak.core.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.CsvRows;
import org.diffleak.core.io.DataException;

/**
 * Raw attack scores as CSV `id,label,score` (label 1 = member; read with {@link CsvRows}, fields trimmed), so
 * every figure can be recomputed.
 */
public record ScoresCsv(List<String> ids, boolean[] labels, double[] scores) {

    public static ScoresCsv read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such scores file");
        }
        List<String> ids = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<CsvRows.Row> rows = CsvRows.read(file, ',', false, line -> file + ":" + line);
        if (rows.isEmpty()) {
            throw new DataException(file + ": empty file");
        }
        List<String> cols = rows.get(0).fields().stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        int id = cols.indexOf("id");
        int label = cols.indexOf("label");
        int score = cols.indexOf("score");
        if (id < 0 || label < 0 || score < 0) {
            throw new DataException(file + ":" + rows.get(0).line() + ": header must name the columns id, label and"
                    + " score, got '" + String.join(",", rows.get(0).fields()).trim() + "'");
        }
        for (CsvRows.Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            String at = file + ":" + row.line() + ": ";
            if (f.size() != cols.size()) {
                throw new DataException(at + f.size() + " fields, the header has " + cols.size());
            }
            String l = f.get(label).trim();
            if (!l.equals("0") && !l.equals("1")) {
                throw new DataException(at + "label must be 0 or 1, got '" + l + "'");
            }
            double s;
            try {
                s = Double.parseDouble(f.get(score).trim());
            } catch (NumberFormatException e) {
                throw new DataException(at + "score is not a number: '" + f.get(score) + "'");
            }
            if (Double.isNaN(s)) {
                throw new DataException(at + "score is NaN");
            }
            ids.add(f.get(id).trim());
            labels.add(l.equals("1"));
            scores.add(s);
        }
        boolean[] lb = new boolean[labels.size()];
        double[] sc = new double[scores.size()];
        int members = 0;
        for (int i = 0; i < lb.length; i++) {
            lb[i] = labels.get(i);
            sc[i] = scores.get(i);
            members += lb[i] ? 1 : 0;
        }
        if (members == 0 || members == lb.length) {
            throw new DataException(file + ": needs both members (label 1) and non-members (label 0), got "
                    + members + " members of " + lb.length + " rows");
        }
        return new ScoresCsv(List.copyOf(ids), lb, sc);
    }

    public void write(Path file) {
        StringBuilder b = new StringBuilder("id,label,score\n");
        for (int i = 0; i < labels.length; i++) {
            b.append(ids.get(i)).append(',').append(labels[i] ? 1 : 0).append(',').append(scores[i]).append('\n');
        }
        AtomicFiles.writeString(file, b.toString());
    }
}
