package org.diffleak.torch.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.model.TableModelCard;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.table.CategoricalColumn;
import org.diffleak.core.table.MultinomialDiffusion;
import org.diffleak.core.table.NumericColumn;
import org.diffleak.core.table.Table;
import org.diffleak.core.table.TableEncoding.Encoded;
import org.diffleak.core.table.TableEncoding;
import org.diffleak.core.table.TableProperty;
import org.diffleak.core.table.TablePropertySteering;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.runtime.TorchRuntime;
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
            // float32 log-sum-exp over k ≤ 8 classes and a KL of k terms against float64: each term rounds by
            // u = 6e-8 of its size, the logs of probabilities near 1e-30 reach |log| ≈ 70, so k·70·u ≈ 3e-5 absolute
            // at worst; 2e-5 plus 2e-5 relative holds with the typical √k growth
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
            Encoded s = l.model().sample(l.params(), 400, 200, null, new SplittableRandom(1), m, ProgressListener.NONE);
            Table synth = enc.decode("synthetic", s);
            double share = ((CategoricalColumn) synth.column("group")).frequencies()[1];
            assertThat(share).isCloseTo(0.3, within(0.1));
            Encoded d1 = l.model().sampleDdim(l.params(), 50, 20, 64, null, new SplittableRandom(2), m, ProgressListener.NONE);
            Encoded d2 = l.model().sampleDdim(l.params(), 50, 20, 64, null, new SplittableRandom(2), m, ProgressListener.NONE);
            assertThat(d1.numeric()).containsExactly(d2.numeric());
            double[] x = ((NumericColumn) enc.decode("d", d1).column("x")).values();
            double mean = 0;
            for (double v : x) {
                mean += v / x.length;
            }
            assertThat(mean).isBetween(8.0, 15.0);
        }
    }

    /**
     * The private sampler on tables moves the released share to p* whatever the training share, for a level
     * of a categorical column and for a threshold on a numeric one, with the ancestral and the DDIM sampler;
     * DDIM stays reproducible per seed.
     */
    @Test
    void privateSamplerReleasesTheTargetShare() {
        Table t = generated(300, 0.3, 3);
        TableEncoding enc = TableEncoding.fit(t);
        TabDdpmTrainer trainer = new TabDdpmTrainer(new TabDdpm(TINY, enc), config(200), dir.resolve("run"));
        trainer.train(enc.encode(t), card(enc, 200), false, ProgressListener.NONE);
        int n = 200;
        try (NDManager m = TorchRuntime.newManager();
                TableModelStore.Loaded l = TableModelStore.load(trainer.modelDir(), true, m)) {
            for (String prop : List.of("group=B", "x>13")) {
                TableProperty property = TableProperty.parse(prop);
                for (double pStar : new double[] {0.1, 0.7}) {
                    TablePropertySteering steer = TablePropertySteering.of(enc, property,
                            ExactShareSubset.assignment(n, pStar, new SplittableRandom(9)), 1);
                    Encoded anc = l.model().sample(l.params(), n, 100, steer, new SplittableRandom(4), m,
                            ProgressListener.NONE);
                    Encoded ddim = l.model().sampleDdim(l.params(), n, 20, 100, steer, new SplittableRandom(4), m,
                            ProgressListener.NONE);
                    for (Encoded e : List.of(anc, ddim)) {
                        boolean[] has = property.evaluate(enc.decode("private", e));
                        assertThat(BinaryProperty.share(has)).as(prop + " at p* " + pStar).isCloseTo(pStar, within(1e-9));
                        for (int i = 0; i < n; i++) {
                            assertThat(has[i]).isEqualTo(steer.target(i));
                        }
                    }
                    Encoded again = l.model().sampleDdim(l.params(), n, 20, 100, steer, new SplittableRandom(4), m,
                            ProgressListener.NONE);
                    assertThat(again.numeric()).containsExactly(ddim.numeric());
                }
            }
            // the rest of the row follows the steered value (training data: x of group B ≈ 5 above group A's,
            // undefended samples 6.0): with guidance s = 1 in both samplers, without it (s = 0) hardly at all
            TablePropertySteering guided = TablePropertySteering.of(enc, TableProperty.parse("group=B"),
                    ExactShareSubset.assignment(n, 0.5, new SplittableRandom(1)), 1);
            TablePropertySteering unguided = TablePropertySteering.of(enc, TableProperty.parse("group=B"),
                    ExactShareSubset.assignment(n, 0.5, new SplittableRandom(1)), 0);
            assertThat(groupGap(enc, l.model().sample(l.params(), n, 100, guided, new SplittableRandom(5), m,
                    ProgressListener.NONE))).isBetween(3.0, 9.0);
            assertThat(groupGap(enc, l.model().sampleDdim(l.params(), n, 20, 100, guided, new SplittableRandom(5), m,
                    ProgressListener.NONE))).isBetween(3.0, 9.0);
            assertThat(groupGap(enc, l.model().sample(l.params(), n, 100, unguided, new SplittableRandom(5), m,
                    ProgressListener.NONE))).isLessThan(2.0);
        }
    }

    /** Mean x of group B rows minus mean x of group A rows. */
    private static double groupGap(TableEncoding enc, Encoded e) {
        Table rows = enc.decode("rows", e);
        double[] x = ((NumericColumn) rows.column("x")).values();
        int[] g = ((CategoricalColumn) rows.column("group")).codes();
        double[] sum = new double[2];
        int[] count = new int[2];
        for (int i = 0; i < x.length; i++) {
            sum[g[i]] += x[i];
            count[g[i]]++;
        }
        return sum[1] / count[1] - sum[0] / count[0];
    }

    /** The per-row losses average to the batch loss, and a DP-SGD run records its guarantee. */
    @Test
    void rowLossesAverageToTheLossAndDpSgdTrains() {
        TableEncoding enc = TableEncoding.fit(generated(64, 0.5, 4));
        Encoded data = enc.encode(generated(64, 0.5, 4));
        TabDdpm model = new TabDdpm(TINY, enc);
        try (NDManager m = TorchRuntime.newManager();
                Params p = Params.initialize(model.specs(), Seeds.of(1), m)) {
            double loss = model.loss(p, data, new SplittableRandom(2), m).total().getFloat();
            TabDdpm.RowLoss rows = model.rowLosses(p, model.noise(data, new SplittableRandom(2)), 0, 64, m);
            double mean = rows.gaussian().add(rows.multinomial()).mean().getFloat();
            // the same 64 non-negative row losses summed in two orders in float32: the sums differ by at most
            // 2·64·u ≈ 8e-6 of their value (no cancellation, all terms ≥ 0)
            assertThat(mean).isCloseTo(loss, within(1e-5 * Math.abs(loss)));
        }
        TableModelCard card = new TabDdpmTrainer(model, config(4), dir.resolve("dp"),
                new DpSgdConfig(1.0, 1.1, 0, 1e-5, false)).train(data, card(enc, 4), false, ProgressListener.NONE);
        assertThat(card.privacy()).isNotNull();
        assertThat(card.privacy().steps()).isEqualTo(4);
        assertThat(card.privacy().epsilon()).isPositive().isFinite();
        assertThat(card.finalLoss()).isFinite();
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
