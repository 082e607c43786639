package org.diffleak.torch.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.model.TableModelCard;
import org.diffleak.core.table.CategoricalColumn;
import org.diffleak.core.table.MultinomialDiffusion;
import org.diffleak.core.table.NumericColumn;
import org.diffleak.core.table.Table;
import org.diffleak.core.table.TableEncoding;
import org.diffleak.core.table.TableEncoding.Encoded;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.train.DiffusionTrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabDdpmTest {

    static final TabDdpmConfig TINY = new TabDdpmConfig(List.of(32, 32), 16, new ScheduleConfig("cosine", 100, 1e-4, 0.02));

    @TempDir
    Path dir;

    /** n rows: x ~ N(10, 2) + 5 for group B, y = x² / 10 + noise, group B with share `share` (exactly). */
    static Table generated(int n, double share, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        int[] g = new int[n];
        int positives = (int) Math.round(share * n);
        for (int i = 0; i < n; i++) {
            g[i] = i < positives ? 1 : 0;
            double u = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            x[i] = 10 + 2 * u + 5 * g[i];
            y[i] = x[i] * x[i] / 10 + r.nextDouble();
        }
        return new Table("generated", List.of(new NumericColumn("x", x), new NumericColumn("y", y),
                new CategoricalColumn("group", List.of("A", "B"), g)));
    }

    /** The float32 loss terms against the float64 closed form, at every kind of step (t = 0, small, large). */
    @Test
    void multinomialLossInFloat32MatchesTheFloat64Reference() {
        TabDdpm model = new TabDdpm(new TabDdpmConfig(List.of(8), 8, new ScheduleConfig("cosine", 1000, 1e-4, 0.02)),
                TableEncoding.fit(generated(10, 0.5, 1)));
        SplittableRandom r = new SplittableRandom(7);
        int b = 64;
        int k = 5;
        float[] logits = new float[b * k];
        int[] x0 = new int[b];
        int[] xt = new int[b];
        int[] t = new int[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                logits[i * k + j] = (float) (6 * r.nextDouble() - 3);
            }
            x0[i] = r.nextInt(k);
            xt[i] = r.nextInt(k);
            t[i] = i < 4 ? i : i < 8 ? 999 - i : r.nextInt(1000);
        }
        float[] got;
        try (NDManager m = TorchRuntime.newManager()) {
            got = model.lossTerms(m.create(logits, new Shape(b, k)), x0, xt, t, m).toFloatArray();
        }
        for (int i = 0; i < b; i++) {
            double[] l = new double[k];
            for (int j = 0; j < k; j++) {
                l[j] = logits[i * k + j];
            }
            double want = MultinomialDiffusion.lossTerm(l, x0[i], xt[i], t[i], model.schedule());
            assertThat((double) got[i]).as("row %d at t = %d", i, t[i]).isCloseTo(want, within(2e-5 + 2e-5 * Math.abs(want)));
        }
    }

    static TrainConfig config(int steps) {
        return new TrainConfig(steps, 64, 3e-3, 0, 1e-4, 0, 0.9, 0, 3, 5);
    }

    static TableModelCard card(TableEncoding enc, int steps) {
        return new TableModelCard("tabddpm", TINY, config(steps), enc, "generated", 300, 0, Double.NaN, Map.of(), null);
    }

    @Test
    void learnsTheShareOfACategoryAndSamplesReproducibly() {
        Table t = generated(300, 0.3, 3);
        TableEncoding enc = TableEncoding.fit(t);
        TabDdpm model = new TabDdpm(TINY, enc);
        TabDdpmTrainer trainer = new TabDdpmTrainer(model, config(300), dir.resolve("run"));
        TableModelCard card = trainer.train(enc.encode(t), card(enc, 300), false, ProgressListener.NONE);
        assertThat(card.step()).isEqualTo(300);
        assertThat(card.finalLoss()).isFinite();
        try (NDManager m = TorchRuntime.newManager();
                TableModelStore.Loaded l = TableModelStore.load(trainer.modelDir(), true, m)) {
            Encoded s = l.model().sample(l.params(), 400, 200, new SplittableRandom(1), m, ProgressListener.NONE);
            Table synth = enc.decode("synthetic", s);
            double share = ((CategoricalColumn) synth.column("group")).frequencies()[1];
            assertThat(share).isCloseTo(0.3, within(0.1));
            Encoded d1 = l.model().sampleDdim(l.params(), 50, 20, 64, new SplittableRandom(2), m, ProgressListener.NONE);
            Encoded d2 = l.model().sampleDdim(l.params(), 50, 20, 64, new SplittableRandom(2), m, ProgressListener.NONE);
            assertThat(d1.numeric()).containsExactly(d2.numeric());
            double[] x = ((NumericColumn) enc.decode("d", d1).column("x")).values();
            double mean = 0;
            for (double v : x) {
                mean += v / x.length;
            }
            assertThat(mean).isBetween(8.0, 15.0);
        }
    }

    @Test
    void resumedRunEqualsTheUninterruptedOne() {
        Table t = generated(100, 0.5, 4);
        TableEncoding enc = TableEncoding.fit(t);
        TabDdpm model = new TabDdpm(TINY, enc);
        Encoded data = enc.encode(t);
        new TabDdpmTrainer(model, config(6), dir.resolve("a")).train(data, card(enc, 6), false, ProgressListener.NONE);
        TabDdpmTrainer b = new TabDdpmTrainer(model, config(6), dir.resolve("b"));
        try {
            b.train(data, card(enc, 6), false, DiffusionTrainerTest.dieAt(4));
        } catch (IllegalStateException expected) {
            assertThat(TabDdpmTrainer.checkpointStep(dir.resolve("b"))).isEqualTo(3);
        }
        b.train(data, card(enc, 6), true, ProgressListener.NONE);
        assertThat(weights(dir.resolve("b"))).containsExactly(weights(dir.resolve("a")));
    }

    private static float[] weights(Path run) {
        try (NDManager m = TorchRuntime.newManager();
                TableModelStore.Loaded l = TableModelStore.load(run.resolve("model"), false, m)) {
            return l.params().flatten();
        }
    }
}
