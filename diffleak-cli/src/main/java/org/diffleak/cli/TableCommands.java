package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.TableModelCard;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.table.ColumnType;
import org.diffleak.core.table.CsvTable;
import org.diffleak.core.table.Fidelity;
import org.diffleak.core.table.Table;
import org.diffleak.core.table.TableEncoding;
import org.diffleak.core.table.TableProperty;
import org.diffleak.core.table.TablePropertySteering;
import org.diffleak.core.table.TableSchema;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Provenance;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.table.TabDdpm;
import org.diffleak.torch.table.TabDdpmTrainer;
import org.diffleak.torch.table.TableModelStore;

/** The table side of `diffleak train --table` and `diffleak sample --table-model`. */
final class TableCommands {

    /**
     * TabDDPM-like recipe scaled to 2 cores: batch 256, lr 2e-3 after 100 warm-up steps, global gradient norm
     * clipped to 1, weight decay 1e-4, EMA 0.999. Without warm-up and clipping, 2 of 10 wa_churn runs of 1,500
     * steps collapsed (ancestral mean KS 0.79 and 0.98 against 0.04–0.08), measured while the loss's backward
     * could still read freed memory (see engine.Scalar).
     */
    static final TrainConfig DEFAULT_TRAIN = new TrainConfig(2000, 256, 2e-3, 100, 1e-4, 1.0, 0.999, 0, 500, 0);

    private TableCommands() {}

    /** The schema from --drop, --categorical and --numeric column lists. */
    static TableSchema schema(List<String> drop, List<String> categorical, List<String> numeric) {
        Map<String, ColumnType> declared = new HashMap<>();
        for (String c : categorical) {
            declared.put(c, ColumnType.CATEGORICAL);
        }
        for (String c : numeric) {
            if (declared.put(c, ColumnType.NUMERIC) != null) {
                throw new IllegalArgumentException("column " + c + " is declared both categorical and numeric");
            }
        }
        return new TableSchema(declared, new HashSet<>(drop), TableSchema.DEFAULT_MAX_LEVELS);
    }

    static Table read(Path csv, TableSchema schema, PrintWriter log) {
        CsvTable.Read r = CsvTable.read(csv, schema);
        Table t = r.table();
        log.printf("%s: %d rows (%d skipped for a missing value), %d numeric and %d categorical columns%n", csv,
                t.rows(), r.skippedRows(), t.numeric().size(), t.categorical().size());
        return t;
    }

    static void train(Path csv, TableSchema schema, TabDdpmConfig model, TrainConfig train, DpSgdConfig dp, Path runDir,
            boolean resume, PrintWriter log, ProgressListener progress) {
        long existing = TabDdpmTrainer.checkpointStep(runDir);
        if (existing > 0 && !resume) {
            throw new DataException(runDir + " already holds a checkpoint at step " + existing
                    + "; pass --resume to continue it or --out to start elsewhere");
        }
        Table table = read(csv, schema, log);
        TableEncoding encoding = resume && existing > 0
                ? Json.read(runDir.resolve("encoding.json"), TableEncoding.class) : TableEncoding.fit(table);
        Json.write(runDir.resolve("encoding.json"), encoding);
        TabDdpm tab = new TabDdpm(model, encoding);
        log.printf("training TabDDPM (hidden %s, T = %d) on %d rows, %d steps of %d%n", model.hidden(),
                model.schedule().steps(), table.rows(), train.steps(), train.batchSize());
        TableModelCard template = new TableModelCard("tabddpm", model, train, encoding, table.name(), table.rows(), 0,
                Double.NaN, Provenance.collect(TorchRuntime.versions()), null);
        new TabDdpmTrainer(tab, train, runDir, dp).train(encoding.encode(table), template, resume, progress);
    }

    /**
     * Samples count rows to out; with a private property, through the private sampler at share p* (the
     * assignment drawn from the seed's "assign" generator) with guidance scale s.
     */
    static void sample(Path modelDir, int count, String sampler, int steps, int batch, long seed, boolean raw,
            TableProperty privateProperty, double targetShare, double guidance, Path out, Path compare, PrintWriter log,
            ProgressListener progress) {
        if (privateProperty != null && !(targetShare > 0 && targetShare < 1)) {
            throw new IllegalArgumentException("--target-share must be in (0, 1), got " + targetShare);
        }
        try (NDManager manager = TorchRuntime.newManager();
                TableModelStore.Loaded l = TableModelStore.load(modelDir, !raw, manager)) {
            TablePropertySteering steering = privateProperty == null ? null : TablePropertySteering.of(
                    l.card().encoding(), privateProperty,
                    ExactShareSubset.assignment(count, targetShare, Seeds.of(seed).child("assign").random()), guidance);
            SplittableRandom rng = Seeds.of(seed).child("sample").random();
            long t0 = System.nanoTime();
            var encoded = switch (sampler) {
                case "ddpm" -> l.model().sample(l.params(), count, batch, steering, rng, manager, progress);
                case "ddim" -> l.model().sampleDdim(l.params(), count, steps, batch, steering, rng, manager, progress);
                default -> throw new IllegalArgumentException("--sampler must be ddim or ddpm");
            };
            Table synth = l.card().encoding().decode(out.getFileName().toString(), encoded);
            CsvTable.write(out, synth);
            log.printf("wrote %d rows to %s (%s, %.1f s)%n", count, out, sampler, (System.nanoTime() - t0) / 1e9);
            if (privateProperty != null) {
                log.printf(java.util.Locale.ROOT, "private sampler: %s in %.4f of the rows (p* = %s)%n",
                        privateProperty.name(), BinaryProperty.share(privateProperty.evaluate(synth)), targetShare);
            }
            if (compare != null) {
                Table real = CsvTable.read(compare, TableSchema.inferred().dropping(droppedFrom(compare, synth))).table();
                printFidelity(Fidelity.compare(real, synth), log);
            }
        }
    }

    /** The columns of file that the synthetic table lacks (identifiers dropped before training). */
    private static Set<String> droppedFrom(Path file, Table synth) {
        List<String> header = CsvTable.header(file);
        Set<String> drop = new HashSet<>(header);
        drop.removeAll(synth.names());
        return drop;
    }

    static void printFidelity(List<Fidelity.ColumnFidelity> cols, PrintWriter log) {
        for (Fidelity.ColumnFidelity c : cols) {
            log.printf("  %-20s %s %.4f%n", c.column(), c.metric(), c.distance());
        }
        Fidelity.Summary f = Fidelity.summarize(cols);
        log.printf("fidelity: mean KS %.4f over %d numeric columns, mean TV %.4f over %d categorical columns%n",
                f.numeric() == 0 ? 0 : f.meanKs(), f.numeric(), f.categorical() == 0 ? 0 : f.meanTv(), f.categorical());
    }
}
