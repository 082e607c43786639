package org.diffleak.core.membership.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.diffleak.core.io.CsvRows;
import org.diffleak.core.io.DataException;

/**
 * Membership signals of a target model and its shadow or reference models, as CSV: header
 * {@code model,id,in,signal} with an optional {@code dim} column. {@code model} is {@code target} for the audited
 * model and any other name for a shadow; {@code in} is 1 where that model trained on that sample, 0 where not
 * (for the target: the ground truth, used only for metrics, may be empty on every target row); {@code signal} is
 * higher-means-member; {@code dim} (0, 1, …) numbers the signals of one sample when there are several (LiRA's
 * augmentations). Population ids (RMIA's z, samples no model trained on) are listed apart; every other id of
 * the target is a candidate. Read with {@link CsvRows}, fields trimmed; every error names the file and line.
 *
 * @param candidates candidate ids, in the order of the target's rows
 * @param population population ids, in the order given
 * @param target the target's signals [candidate][dim]
 * @param labels the target's membership per candidate, or null when the file gives none
 * @param shadowNames the other models, in order of first appearance
 * @param shadows their signals [shadow][candidate][dim]
 * @param shadowIn whether each shadow trained on each candidate [shadow][candidate]
 * @param populationTarget the target's signals on the population [z][dim]
 * @param populationShadows the shadows' signals on the population [shadow][z][dim]
 */
public record SignalsCsv(List<String> candidates, List<String> population, double[][] target, boolean[] labels,
        List<String> shadowNames, double[][][] shadows, boolean[][] shadowIn, double[][] populationTarget,
        double[][][] populationShadows) {

    public static final String TARGET = "target";

    /** One parsed row's value and membership flag (null = empty). */
    private record Cell(double signal, Boolean in, int line) {}

    /**
     * @param population ids that no model trained on (may be empty)
     * @param needPopulation whether every model must have a signal on every population id
     */
    public static SignalsCsv read(Path file, List<String> population, boolean needPopulation) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such signals file");
        }
        // model → id → dim → cell
        Map<String, Map<String, Map<Integer, Cell>>> byModel = new LinkedHashMap<>();
        int dims = 0;
        List<CsvRows.Row> records = CsvRows.read(file, ',', false, line -> file + ":" + line);
        if (records.isEmpty()) {
            throw new DataException(file + ": empty file");
        }
        List<String> cols = records.get(0).fields().stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        int cModel = cols.indexOf("model");
        int cId = cols.indexOf("id");
        int cIn = cols.indexOf("in");
        int cSignal = cols.indexOf("signal");
        int cDim = cols.indexOf("dim");
        if (cModel < 0 || cId < 0 || cIn < 0 || cSignal < 0) {
            throw new DataException(file + ":" + records.get(0).line() + ": header must name the columns model, id, in"
                    + " and signal (and optionally dim), got '" + String.join(",", records.get(0).fields()).trim() + "'");
        }
        for (CsvRows.Row row : records.subList(1, records.size())) {
            List<String> f = row.fields();
            int lineNo = row.line();
            String at = file + ":" + lineNo + ": ";
            if (f.size() != cols.size()) {
                throw new DataException(at + f.size() + " fields, the header has " + cols.size());
            }
            String model = f.get(cModel).trim();
            String id = f.get(cId).trim();
            if (model.isEmpty() || id.isEmpty()) {
                throw new DataException(at + "empty model or id");
            }
            String inText = f.get(cIn).trim();
            Boolean in = switch (inText) {
                case "1" -> Boolean.TRUE;
                case "0" -> Boolean.FALSE;
                case "" -> null;
                default -> throw new DataException(at + "in must be 0, 1 or empty, got '" + inText + "'");
            };
            double signal;
            try {
                signal = Double.parseDouble(f.get(cSignal).trim());
            } catch (NumberFormatException e) {
                throw new DataException(at + "signal is not a number: '" + f.get(cSignal) + "'");
            }
            if (!Double.isFinite(signal)) {
                throw new DataException(at + "signal is " + f.get(cSignal).trim() + ", not a finite number");
            }
            int dim = 0;
            if (cDim >= 0) {
                try {
                    dim = Integer.parseInt(f.get(cDim).trim());
                } catch (NumberFormatException e) {
                    dim = -1;
                }
                if (dim < 0) {
                    throw new DataException(at + "dim must be 0, 1, 2, …, got '" + f.get(cDim) + "'");
                }
            }
            dims = Math.max(dims, dim + 1);
            Cell previous = byModel.computeIfAbsent(model, k -> new LinkedHashMap<>())
                    .computeIfAbsent(id, k -> new HashMap<>()).put(dim, new Cell(signal, in, lineNo));
            if (previous != null) {
                throw new DataException(at + "a second row for model " + model + ", id " + id
                        + (cDim >= 0 ? ", dim " + dim : "") + " (first on line " + previous.line() + ")");
            }
        }
        Map<String, Map<Integer, Cell>> target = byModel.remove(TARGET);
        if (target == null) {
            throw new DataException(file + ": no rows for model '" + TARGET + "' (the audited model)");
        }
        if (byModel.isEmpty()) {
            throw new DataException(file + ": only the target's rows: calibration needs shadow or reference models");
        }
        Set<String> pop = new LinkedHashSet<>(population);
        List<String> candidates = new ArrayList<>();
        for (String id : target.keySet()) {
            if (!pop.contains(id)) {
                candidates.add(id);
            }
        }
        if (candidates.isEmpty()) {
            throw new DataException(file + ": the target has no candidate (every id is in the population list)");
        }
        List<String> popIds = needPopulation ? List.copyOf(pop) : List.of();
        if (needPopulation && popIds.isEmpty()) {
            throw new DataException(file + ": no population ids given (samples no model trained on)");
        }
        double[][] t = matrix(file, TARGET, target, candidates, dims);
        boolean[] labels = labels(file, target, candidates);
        double[][] tz = matrix(file, TARGET, target, popIds, dims);
        List<String> names = new ArrayList<>(byModel.keySet());
        double[][][] sh = new double[names.size()][][];
        double[][][] shz = new double[names.size()][][];
        boolean[][] shIn = new boolean[names.size()][candidates.size()];
        for (int m = 0; m < names.size(); m++) {
            Map<String, Map<Integer, Cell>> rows = byModel.get(names.get(m));
            sh[m] = matrix(file, names.get(m), rows, candidates, dims);
            shz[m] = matrix(file, names.get(m), rows, popIds, dims);
            for (int i = 0; i < candidates.size(); i++) {
                Cell c = rows.get(candidates.get(i)).get(0);
                if (c.in() == null) {
                    throw new DataException(file + ":" + c.line() + ": model " + names.get(m) + " must say whether"
                            + " it trained on " + candidates.get(i) + " (in = 0 or 1)");
                }
                shIn[m][i] = c.in();
            }
            for (String z : popIds) {
                Cell c = rows.get(z).get(0);
                if (Boolean.TRUE.equals(c.in())) {
                    throw new DataException(file + ":" + c.line() + ": " + z + " is a population id, but model "
                            + names.get(m) + " trained on it");
                }
            }
        }
        return new SignalsCsv(candidates, popIds, t, labels, names, sh, shIn, tz, shz);
    }

    /** A model's signals on the ids [id][dim]; every (id, dim) must be present. */
    private static double[][] matrix(Path file, String model, Map<String, Map<Integer, Cell>> rows, List<String> ids,
            int dims) {
        double[][] out = new double[ids.size()][dims];
        for (int i = 0; i < ids.size(); i++) {
            Map<Integer, Cell> cells = rows.get(ids.get(i));
            if (cells == null) {
                throw new DataException(file + ": model " + model + " has no signal for " + ids.get(i));
            }
            for (int j = 0; j < dims; j++) {
                Cell c = cells.get(j);
                if (c == null) {
                    throw new DataException(file + ": model " + model + " has no signal for " + ids.get(i) + ", dim "
                            + j);
                }
                out[i][j] = c.signal();
            }
        }
        return out;
    }

    /** The target's labels, or null when every candidate's in is empty. */
    private static boolean[] labels(Path file, Map<String, Map<Integer, Cell>> target, List<String> candidates) {
        int given = 0;
        boolean[] labels = new boolean[candidates.size()];
        for (int i = 0; i < candidates.size(); i++) {
            Cell c = target.get(candidates.get(i)).get(0);
            if (c.in() != null) {
                labels[i] = c.in();
                given++;
            }
        }
        if (given == 0) {
            return null;
        }
        if (given < candidates.size()) {
            throw new DataException(file + ": the target's in column is given for " + given + " of "
                    + candidates.size() + " candidates: give it for all (metrics) or none (scores only)");
        }
        return labels;
    }
}
