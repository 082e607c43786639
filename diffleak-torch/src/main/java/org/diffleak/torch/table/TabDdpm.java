package org.diffleak.torch.table;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.diffusion.ReverseStep;
import org.diffleak.core.table.MultinomialDiffusion;
import org.diffleak.core.table.OneHot;
import org.diffleak.core.table.QuantileTransformer;
import org.diffleak.core.table.TableEncoding;
import org.diffleak.core.table.TablePropertySteering;
import org.diffleak.core.table.TableEncoding.Encoded;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.engine.GradMode;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.diffusion.ClassifierGuidance;
import org.diffleak.torch.diffusion.NoisyClassifier;
import org.diffleak.torch.nn.Params;

/**
 * TabDDPM's GaussianMultinomialDiffusion (Kotelnikov et al., ICML 2023): Gaussian diffusion on the
 * quantile-normalised numeric columns, multinomial diffusion ({@link MultinomialDiffusion}) on each
 * categorical column, one MLP denoiser over both ({@link TabularMlp}). t runs over 0..T−1, t = 0 being one
 * step of noise.
 *
 * <p>Loss per row, as TabDDPM's mixed_loss: L = ‖ε − ε̂‖²/d_num + (1/C) Σ_c [T·L_t^c + KL(q(x_{T−1}|x₀)‖U)],
 * L_t^c = KL(q(x_{t−1}|x_t,x₀) ‖ p(x_{t−1}|x_t)) for t ≥ 1 and −log p(x₀|x_t) at t = 0 (T = 1/p_t for
 * uniformly drawn t). The network sees the categorical x_t as one-hot rows, where TabDDPM feeds their log
 * (0 and ln 10⁻³⁰): an affine image of the one-hot that the first layer absorbs, at the scale of the
 * numeric part.
 *
 * <p>Sampling: ancestral (both parts stochastic: the Gaussian posterior with variance β_t,
 * and a categorical draw from p(x_{t−1}|x_t)), or DDIM over a strided subsequence: deterministic for the
 * Gaussian part given x_T, x_{t'} = √ᾱ_{t'} x̂₀ + √(1−ᾱ_{t'}) ε̂, while categoricals draw from
 * ᾱ_{t'} x̂₀ + (1−ᾱ_{t'})/K (TabDDPM's multinomial_ddim_step at η = 0). The Gaussian x̂₀ is clipped to the
 * quantile transform's range ±{@link QuantileTransformer#CLIP}, which no training value leaves (as image samplers
 * clip x̂₀ to [−1, 1]); on wa_churn after 2,000 steps this took the ancestral sampler's mean KS from 0.415 to 0.095.
 * Every draw takes the given generator.
 */
public final class TabDdpm {

    /** The two halves of the loss of one batch; total is the one to differentiate. */
    public record Loss(NDArray total, double gaussian, double multinomial) {}

    private final TabDdpmConfig config;
    private final NoiseSchedule schedule;
    private final TableEncoding encoding;
    private final OneHot oneHot;
    private final int numeric;
    private final TabularMlp net;

    public TabDdpm(TabDdpmConfig config, TableEncoding encoding) {
        this.config = config;
        this.schedule = config.schedule().build();
        this.encoding = encoding;
        this.oneHot = encoding.oneHot();
        this.numeric = encoding.numeric();
        this.net = new TabularMlp(numeric + oneHot.width(), config);
    }

    public TabDdpmConfig config() {
        return config;
    }

    public TableEncoding encoding() {
        return encoding;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public TabularMlp net() {
        return net;
    }

    public List<ParamSpec> specs() {
        return net.specs();
    }

    /** The given rows of an encoded table (rows may repeat). */
    public static Encoded rows(Encoded data, int[] idx) {
        int dn = data.rows() == 0 ? 0 : data.numeric().length / data.rows();
        float[] num = new float[idx.length * dn];
        int[][] codes = new int[data.codes().length][idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.numeric(), idx[i] * dn, num, i * dn, dn);
            for (int c = 0; c < codes.length; c++) {
                codes[c][i] = data.codes()[c][idx[i]];
            }
        }
        return new Encoded(idx.length, num, codes);
    }

    /** The loss of one batch at timesteps and noise drawn from rng, recorded for backward when grad mode is on. */
    public Loss loss(Params p, Encoded batch, SplittableRandom rng, NDManager m) {
        Noised noised = noise(batch, rng);
        RowLoss rows = rowLosses(p, noised, 0, batch.rows(), m);
        NDArray total = rows.gaussian().add(rows.multinomial()).mean();
        return new Loss(total, rows.gaussian().mean().getFloat(), rows.multinomial().mean().getFloat());
    }

    /**
     * A batch taken forward to its drawn timesteps: the network input x_t (numeric scores, one-hot categoricals),
     * t, ε and the categorical x_t codes, beside the clean rows.
     */
    public record Noised(Encoded batch, float[] x, int[] t, float[] eps, int[][] xt) {}

    /** Per-row loss terms [b] of rows [from, to): ‖ε − ε̂‖²/d_num and (1/C) Σ_c [T·L_t^c + KL(q(x_{T−1}|x₀)‖U)]. */
    public record RowLoss(NDArray gaussian, NDArray multinomial) {}

    /** Draws t, ε and the categorical x_t of each row from rng: x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, x_t^c ~ q(x_t|x₀). */
    public Noised noise(Encoded batch, SplittableRandom rng) {
        int b = batch.rows();
        int w = net.width();
        int[] t = new int[b];
        for (int i = 0; i < b; i++) {
            t[i] = rng.nextInt(schedule.steps());
        }
        float[] eps = new float[b * numeric];
        Seeds.gaussian(rng, eps);
        float[] x = new float[b * w];
        for (int i = 0; i < b; i++) {
            double sa = schedule.sqrtAlphaBar(t[i]);
            double sb = schedule.sqrtOneMinusAlphaBar(t[i]);
            for (int j = 0; j < numeric; j++) {
                x[i * w + j] = (float) (sa * batch.numeric()[i * numeric + j] + sb * eps[i * numeric + j]);
            }
        }
        int[][] xt = new int[oneHot.columns()][b];
        for (int c = 0; c < oneHot.columns(); c++) {
            int k = oneHot.cardinality(c);
            int o = numeric + oneHot.offset(c);
            for (int i = 0; i < b; i++) {
                double[] x0 = new double[k];
                x0[batch.codes()[c][i]] = 1;
                xt[c][i] = MultinomialDiffusion.draw(MultinomialDiffusion.marginal(x0, t[i], schedule), rng.nextDouble());
                x[i * w + o + xt[c][i]] = 1f;
            }
        }
        return new Noised(batch, x, t, eps, xt);
    }

    /** The per-row losses of rows [from, to) of a noised batch, recorded for backward when grad mode is on. */
    public RowLoss rowLosses(Params p, Noised n, int from, int to, NDManager m) {
        int b = to - from;
        int w = net.width();
        int[] t = Arrays.copyOfRange(n.t(), from, to);
        NDArray out = net.forward(p, m.create(Arrays.copyOfRange(n.x(), from * w, to * w), new Shape(b, w)), t);
        NDArray gauss = m.zeros(new Shape(b));
        if (numeric > 0) {
            NDArray eps = m.create(Arrays.copyOfRange(n.eps(), from * numeric, to * numeric), new Shape(b, numeric));
            gauss = Scalar.div(out.get(":, 0:" + numeric).sub(eps).square().sum(new int[] {1}), (float) numeric);
        }
        NDArray multi = m.zeros(new Shape(b));
        if (oneHot.columns() > 0) {
            float[] prior = new float[b];
            for (int c = 0; c < oneHot.columns(); c++) {
                int o = numeric + oneHot.offset(c);
                int[] x0 = Arrays.copyOfRange(n.batch().codes()[c], from, to);
                NDArray logits = out.get(":, " + o + ":" + (o + oneHot.cardinality(c)));
                multi = multi.add(lossTerms(logits, x0, Arrays.copyOfRange(n.xt()[c], from, to), t, m));
                for (int i = 0; i < b; i++) {
                    prior[i] += (float) MultinomialDiffusion.priorKl(x0[i], oneHot.cardinality(c), schedule);
                }
            }
            // T·L_t (1/p_t with t uniform) plus the constant prior term, averaged over columns
            multi = Scalar.div(Scalar.mul(multi, (float) schedule.steps()).add(m.create(prior)), (float) oneHot.columns());
        }
        return new RowLoss(gauss, multi);
    }

    /**
     * Per-row L_t of one categorical column in float32 (reference: {@link MultinomialDiffusion#lossTerm}):
     * log p = log_softmax(log(ᾱ_{t−1} softmax(ℓ) + (1−ᾱ_{t−1})/K) + log(α_t x_t + (1−α_t)/K)), and
     * log_softmax(ℓ + log(α_0 x_t + (1−α_0)/K)) at t = 0; the true posterior q enters as constants, so that
     * L = Σ_k q_k log q_k − Σ_k q_k log p_k (with q = x₀ and no entropy term at t = 0).
     */
    NDArray lossTerms(NDArray logits, int[] x0, int[] xt, int[] t, NDManager m) {
        int b = x0.length;
        int k = (int) logits.getShape().get(1);
        float[] step = new float[b * k];
        float[] logAbPrev = new float[b];
        float[] logRest = new float[b];
        float[] atZero = new float[b];
        float[] weight = new float[b * k];
        float[] entropy = new float[b];
        for (int i = 0; i < b; i++) {
            double alpha = 1 - schedule.beta(t[i]);
            for (int j = 0; j < k; j++) {
                step[i * k + j] = (float) Math.log(alpha * (j == xt[i] ? 1 : 0) + (1 - alpha) / k);
            }
            // t − 1 clamped at 0 as TabDDPM does; rows at t = 0 take the other branch
            double abPrev = schedule.alphaBar(Math.max(t[i] - 1, 0));
            logAbPrev[i] = (float) Math.log(abPrev);
            logRest[i] = (float) (Math.log(1 - abPrev) - Math.log(k));
            double[] onehot = new double[k];
            onehot[x0[i]] = 1;
            if (t[i] == 0) {
                atZero[i] = 1;
                weight[i * k + x0[i]] = 1;
            } else {
                double[] q = MultinomialDiffusion.posterior(onehot, xt[i], t[i], schedule);
                double h = 0;
                for (int j = 0; j < k; j++) {
                    weight[i * k + j] = (float) q[j];
                    h += q[j] * Math.log(q[j]);
                }
                entropy[i] = (float) h;
            }
        }
        Shape col = new Shape(b, 1);
        NDArray c = m.create(step, new Shape(b, k));
        NDArray zero = m.create(atZero, col);
        NDArray ls = logits.logSoftmax(1);
        NDArray generic = logAddExp(ls.add(m.create(logAbPrev, col)), m.create(logRest, col).broadcast(b, k))
                .add(c).logSoftmax(1);
        NDArray first = ls.add(c).logSoftmax(1);
        NDArray logp = first.mul(zero).add(generic.mul(Scalar.rsub(1, zero)));
        return m.create(entropy).sub(logp.mul(m.create(weight, new Shape(b, k))).sum(new int[] {1}));
    }

    /** log(eᵃ + eᵇ) = max + log(e^(a−max) + e^(b−max)), for finite a and b. */
    private static NDArray logAddExp(NDArray a, NDArray b) {
        NDArray hi = a.maximum(b);
        return hi.add(a.sub(hi).exp().add(b.sub(hi).exp()).log());
    }

    /**
     * Ancestral sampling of n rows through all T steps, in chunks of at most batch rows; with steering (the
     * private sampler on tables, or null for none) row i's x̂₀ is constrained at every step.
     */
    public Encoded sample(Params p, int n, int batch, TablePropertySteering steering, SplittableRandom rng, NDManager m,
            ProgressListener progress) {
        int[] ts = new int[schedule.steps()];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i;
        }
        return run(p, n, batch, ts, false, steering, rng, m, progress);
    }

    /**
     * DDIM-style sampling over `steps` strided timesteps: deterministic in the Gaussian part given x_T (also
     * with steering, which constrains x̂₀; null for none).
     */
    public Encoded sampleDdim(Params p, int n, int steps, int batch, TablePropertySteering steering,
            SplittableRandom rng, NDManager m, ProgressListener progress) {
        return run(p, n, batch, schedule.ddimTimesteps(steps), true, steering, rng, m, progress);
    }

    private Encoded run(Params p, int n, int batch, int[] ts, boolean ddim, TablePropertySteering steering,
            SplittableRandom rng, NDManager m, ProgressListener progress) {
        if (n < 1 || batch < 1) {
            throw new IllegalArgumentException("sampling needs n ≥ 1 and batch ≥ 1");
        }
        if (steering != null && steering.rows() != n) {
            throw new IllegalArgumentException("the private sampler assigned " + steering.rows() + " rows, asked for " + n);
        }
        int w = net.width();
        float[] z = new float[n * numeric];
        Seeds.gaussian(rng, z);
        int[][] cat = new int[oneHot.columns()][n];
        for (int c = 0; c < cat.length; c++) {
            for (int i = 0; i < n; i++) {
                cat[c][i] = rng.nextInt(oneHot.cardinality(c));
            }
        }
        progress.start(ddim ? "sampling (ddim)" : "sampling", (long) ts.length);
        for (int j = ts.length - 1; j >= 0; j--) {
            int t = ts[j];
            int prev = ddim ? (j > 0 ? ts[j - 1] : -1) : t - 1;
            for (int start = 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                float[] x = new float[rows * w];
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(z, (start + i) * numeric, x, i * w, numeric);
                    for (int c = 0; c < cat.length; c++) {
                        x[i * w + numeric + oneHot.offset(c) + cat[c][start + i]] = 1f;
                    }
                }
                int[] tt = new int[rows];
                Arrays.fill(tt, t);
                float[] out;
                float[] grad = null;
                try (NDManager sm = m.newSubManager()) {
                    NDArray xa = sm.create(x, new Shape(rows, w));
                    out = net.forward(p, xa, tt).toFloatArray();
                    if (steering != null && steering.guidance() > 0 && steering.categoricalColumn() >= 0 && numeric > 0) {
                        grad = propertyGradient(p, xa, t, steering, start);
                    }
                }
                float[] noise = new float[rows * numeric];
                if (!ddim && t > 0) {
                    Seeds.gaussian(rng, noise);
                }
                for (int i = 0; i < rows; i++) {
                    if (grad != null) {
                        // ε̂ ← ε̂ − s·√(1−ᾱ_t)·∇_{x_t} log p(y_i | x_t, t), numeric part
                        double k = steering.guidance() * schedule.sqrtOneMinusAlphaBar(t);
                        for (int q = 0; q < numeric; q++) {
                            out[i * w + q] -= (float) (k * grad[i * w + q]);
                        }
                    }
                    gaussianStep(z, start + i, out, i * w, noise, i * numeric, t, prev, ddim, steering);
                    for (int c = 0; c < cat.length; c++) {
                        int k = oneHot.cardinality(c);
                        double[] logits = new double[k];
                        for (int q = 0; q < k; q++) {
                            logits[q] = out[i * w + numeric + oneHot.offset(c) + q];
                        }
                        double[] x0 = MultinomialDiffusion.softmax(logits);
                        if (steering != null) {
                            steering.restrictCategorical(start + i, c, x0);
                        }
                        double[] probs = ddim ? MultinomialDiffusion.marginal(x0, prev, schedule)
                                : MultinomialDiffusion.posterior(x0, cat[c][start + i], t, schedule);
                        cat[c][start + i] = MultinomialDiffusion.draw(probs, rng.nextDouble());
                    }
                }
            }
            progress.update(ts.length - j, "t = " + t);
        }
        progress.finish("sampled " + n + " rows");
        return new Encoded(n, z, cat);
    }

    /**
     * ∇_{x_t} log p(y_i | x_t, t) of the rows of x [rows, width] (first row = start), with the denoiser's own
     * x̂₀ head for the property column as the noise-aware classifier: two logits, log π(level) and
     * log Σ_{k ≠ level} π(k), so that their softmax is (π(level), 1 − π(level)).
     */
    private float[] propertyGradient(Params p, NDArray x, int t, TablePropertySteering steering, int start) {
        int rows = (int) x.getShape().get(0);
        int o = numeric + oneHot.offset(steering.categoricalColumn());
        int k = oneHot.cardinality(steering.categoricalColumn());
        int level = steering.level();
        float[] others = new float[k];
        for (int q = 0; q < k; q++) {
            others[q] = q == level ? Float.NEGATIVE_INFINITY : 0f;
        }
        long[] y = new long[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = steering.target(start + i) ? 0 : 1;
        }
        NoisyClassifier head = (xt, tt) -> {
            NDArray lp = net.forward(p, xt, Arrays.stream(tt.toLongArray()).mapToInt(Math::toIntExact).toArray())
                    .get(":, " + o + ":" + (o + k)).logSoftmax(1);
            NDArray rest = lp.add(xt.getManager().create(others, new Shape(1, k))).exp().sum(new int[] {1}, true).log();
            return lp.get(":, " + level + ":" + (level + 1)).concat(rest, 1);
        };
        NDManager m = x.getManager();
        long[] ts = new long[rows];
        Arrays.fill(ts, t);
        try (GradMode g = GradMode.restoring()) {
            return ClassifierGuidance.logProbGradient(head, x, m.create(ts), m.create(y)).toFloatArray();
        }
    }

    /**
     * One Gaussian step of one row, in float64: x̂₀ = clip((x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t); DDIM: x_{t'} = √ᾱ_{t'} x̂₀ +
     * √(1−ᾱ_{t'}) ε̂; ancestral: the posterior mean β_t√ᾱ_{t−1}/(1−ᾱ_t) x̂₀ + (1−ᾱ_{t−1})√α_t/(1−ᾱ_t) x_t plus
     * √β_t z for t &gt; 0 (TabDDPM's variance: β_t). Steering projects x̂₀, and DDIM then takes
     * ε̂ = (x_t − √ᾱ_t x̂₀)/√(1−ᾱ_t) of the projected x̂₀.
     */
    private void gaussianStep(float[] z, int row, float[] out, int oo, float[] noise, int no, int t, int prev,
            boolean ddim, TablePropertySteering steering) {
        int zo = row * numeric;
        double ab = schedule.alphaBar(t);
        double beta = schedule.beta(t);
        ReverseStep.Ddim d = ddim ? ReverseStep.ddim(schedule, t, prev, 0) : null;
        ReverseStep.PosteriorMean pm = ddim ? null : ReverseStep.posteriorMean(schedule, t);
        for (int j = 0; j < numeric; j++) {
            double xt = z[zo + j];
            double e = out[oo + j];
            double x0 = Math.max(-QuantileTransformer.CLIP, Math.min(QuantileTransformer.CLIP,
                    (xt - Math.sqrt(1 - ab) * e) / Math.sqrt(ab)));
            if (steering != null) {
                double projected = steering.projectNumeric(row, j, x0);
                if (projected != x0) {
                    x0 = projected;
                    e = (xt - Math.sqrt(ab) * x0) / Math.sqrt(1 - ab);
                }
            }
            double next;
            if (ddim) {
                next = d.x0() * x0 + d.eps() * e;
            } else {
                next = pm.x0() * x0 + pm.xt() * xt + (t > 0 ? Math.sqrt(beta) * noise[no + j] : 0);
            }
            z[zo + j] = (float) next;
        }
    }
}
