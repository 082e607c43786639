package org.diffleak.core.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffleak.core.data.DataException;
import org.diffleak.core.io.AtomicFiles;

/** Raw attack scores as CSV `id,label,score` (label 1 = member), so every figure can be recomputed. */
public record ScoresCsv(List<String> ids, boolean[] labels, double[] scores) {

    public static ScoresCsv read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such scores file");
        }
        List<String> ids = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new DataException(file + ": empty file");
            }
            List<String> cols = List.of(header.trim().toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
            int id = cols.indexOf("id");
            int label = cols.indexOf("label");
            int score = cols.indexOf("score");
            if (id < 0 || label < 0 || score < 0) {
                throw new DataException(file + ":1: header must name the columns id, label and score, got '"
                        + header.trim() + "'");
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\\s*,\\s*", -1);
                if (f.length != cols.size()) {
                    throw new DataException(file + ":" + lineNo + ": " + f.length + " fields, the header has "
                            + cols.size());
                }
                String l = f[label].trim();
                if (!l.equals("0") && !l.equals("1")) {
                    throw new DataException(file + ":" + lineNo + ": label must be 0 or 1, got '" + l + "'");
                }
                double s;
                try {
                    s = Double.parseDouble(f[score].trim());
                } catch (NumberFormatException e) {
                    throw new DataException(file + ":" + lineNo + ": score is not a number: '" + f[score] + "'");
                }
                if (Double.isNaN(s)) {
                    throw new DataException(file + ":" + lineNo + ": score is NaN");
                }
                ids.add(f[id].trim());
                labels.add(l.equals("1"));
                scores.add(s);
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
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
