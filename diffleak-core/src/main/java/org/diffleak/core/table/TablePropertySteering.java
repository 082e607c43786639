package org.diffleak.core.table;

import org.diffleak.core.io.DataException;
import org.diffleak.core.table.TableEncoding.EncodedColumn;

/**
 * The private sampler on tables (PriSampler's idea, Hu and Pang 2023, for a property that is a function of
 * the row itself): row i of the release is assigned a target value y_i, exactly round(p*·n) of them true in
 * seeded random order, and every reverse step constrains the model's prediction of the clean row x̂₀ to
 * rows with property value y_i. The rest of the row follows through the denoiser, which sees the
 * constrained column in x_t at every step (conditioning by replacement, as in inpainting).
 *
 * <p>A categorical property column: its predicted distribution x̂₀ is restricted to the levels with value
 * y_i and renormalised, π_k ← π_k·1[k ∈ A(y_i)] / Σ_{j ∈ A(y_i)} π_j (uniform over A(y_i) if that mass is 0),
 * before the posterior q(x_{t−1}|x_t, x̂₀) (ancestral) or the marginal q(x_{t'}|x̂₀) (DDIM) is formed; at the
 * last step both equal x̂₀, so the released value has the property iff y_i. A threshold on a numeric
 * column: its Gaussian x̂₀ (a quantile score) is projected onto the half-line of scores whose decoded value
 * has value y_i, x̂₀ ← max(x̂₀, s₊) or min(x̂₀, s₋), and the sampler re-derives ε̂ = (x_t − √ᾱ_t x̂₀)/√(1−ᾱ_t)
 * from it, so DDIM stays deterministic given x_T and its last step returns x̂₀. The owner needs no classifier
 * for the released value: the predicate is exact.
 *
 * <p>The constraint alone would decouple the property from the other columns (the Gaussian part is settled
 * while the categorical x_t is still noise). So, for a categorical property, the Gaussian part is also steered
 * by classifier guidance (Dhariwal and Nichol 2021), ε̂ ← ε̂ − s·√(1−ᾱ_t)·∇_{x_t} log p(y_i | x_t, t), with
 * the denoiser's own x̂₀ head for the property column as the noise-aware classifier of (x_t, t):
 * p(y = 1 | x_t, t) = π_θ(level | x_t, t).
 */
public final class TablePropertySteering {

    /** Score margin kept from the decision boundary so that float32 rounding cannot cross it. */
    static final double MARGIN = 1e-4;

    private final boolean[] assignment;
    private final int categoricalColumn;
    private final boolean[] levelHas;
    private final int numericColumn;
    private final double positiveFrom;
    private final double negativeTo;
    private final boolean positiveAbove;
    private final double guidance;

    private TablePropertySteering(boolean[] assignment, int categoricalColumn, boolean[] levelHas, int numericColumn,
            double positiveFrom, double negativeTo, boolean positiveAbove, double guidance) {
        this.assignment = assignment;
        this.categoricalColumn = categoricalColumn;
        this.levelHas = levelHas;
        this.numericColumn = numericColumn;
        this.positiveFrom = positiveFrom;
        this.negativeTo = negativeTo;
        this.positiveAbove = positiveAbove;
        this.guidance = guidance;
    }

    /**
     * @param encoding the model's column encoding
     * @param property a level of a categorical column, or a threshold on a numeric one
     * @param assignment the target value of each released row (see ExactShareSubset.assignment)
     * @param guidance classifier-guidance scale s ≥ 0 on the Gaussian part (categorical properties)
     */
    public static TablePropertySteering of(TableEncoding encoding, TableProperty property, boolean[] assignment,
            double guidance) {
        if (!(guidance >= 0) || !Double.isFinite(guidance)) {
            throw new IllegalArgumentException("guidance scale must be a finite number ≥ 0, got " + guidance);
        }
        int jn = 0;
        int jc = 0;
        for (EncodedColumn c : encoding.columns()) {
            if (c.name().equals(property.column())) {
                if (c.type() == ColumnType.CATEGORICAL) {
                    int level = property.level("the model", new CategoricalColumn(c.name(), c.levels(), new int[0]));
                    boolean[] has = new boolean[c.levels().size()];
                    has[level] = true;
                    return new TablePropertySteering(assignment.clone(), jc, has, -1, 0, 0, false, guidance);
                }
                if (!property.threshold()) {
                    throw new DataException("the model's column " + c.name() + " is numeric; the private sampler steers"
                            + " a threshold on it (" + c.name() + ">x or " + c.name() + "<x), not an exact value");
                }
                return numeric(c.quantiles(), property, jn, assignment);
            }
            if (c.type() == ColumnType.CATEGORICAL) {
                jc++;
            } else {
                jn++;
            }
        }
        throw new DataException("the model has no column named '" + property.column() + "'");
    }

    /** s₊ and s₋ by bisection on the monotone decoded value, each MARGIN inside its side. */
    private static TablePropertySteering numeric(QuantileTransformer q, TableProperty property, int column,
            boolean[] assignment) {
        double lo = -QuantileTransformer.CLIP;
        double hi = QuantileTransformer.CLIP;
        boolean above = property.op().startsWith(">");
        boolean atLo = property.holds(q.fromNormal(lo));
        boolean atHi = property.holds(q.fromNormal(hi));
        if (atLo == atHi) {
            throw new DataException("property " + property.name() + " is " + atLo + " over the whole range the model"
                    + " can release; the private sampler cannot steer it");
        }
        // invariant: holds(lo) == atLo, holds(hi) == atHi
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
            double mid = 0.5 * (lo + hi);
            if (property.holds(q.fromNormal(mid)) == atLo) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double pos = above ? Math.min(hi + MARGIN, QuantileTransformer.CLIP) : Math.max(lo - MARGIN, -QuantileTransformer.CLIP);
        double neg = above ? Math.max(lo - MARGIN, -QuantileTransformer.CLIP) : Math.min(hi + MARGIN, QuantileTransformer.CLIP);
        if (!property.holds(q.fromNormal((float) pos))) {
            pos = above ? hi : lo;
        }
        if (property.holds(q.fromNormal((float) neg))) {
            neg = above ? lo : hi;
        }
        return new TablePropertySteering(assignment.clone(), -1, null, column, pos, neg, above, 0);
    }

    /** The classifier-guidance scale s on the Gaussian part (0 for a numeric property or none). */
    public double guidance() {
        return guidance;
    }

    /** The property's column among the categorical ones, or −1 for a threshold on a numeric column. */
    public int categoricalColumn() {
        return categoricalColumn;
    }

    /** The property's level in its categorical column (only when categoricalColumn() ≥ 0). */
    public int level() {
        for (int k = 0; k < levelHas.length; k++) {
            if (levelHas[k]) {
                return k;
            }
        }
        throw new IllegalStateException("no level has the property");
    }

    /** Rows the assignment covers. */
    public int rows() {
        return assignment.length;
    }

    /** The assigned value y_i of row i. */
    public boolean target(int row) {
        return assignment[row];
    }

    /** In place: x̂₀'s distribution over the levels of categorical column c of row i, restricted to A(y_i). */
    public void restrictCategorical(int row, int column, double[] x0) {
        if (column != categoricalColumn) {
            return;
        }
        boolean y = assignment[row];
        double z = 0;
        int allowed = 0;
        for (int k = 0; k < x0.length; k++) {
            if (levelHas[k] == y) {
                z += x0[k];
                allowed++;
            }
        }
        for (int k = 0; k < x0.length; k++) {
            x0[k] = levelHas[k] != y ? 0 : z > 0 ? x0[k] / z : 1.0 / allowed;
        }
    }

    /** x̂₀ of numeric column j of row i, projected onto the scores with value y_i (unchanged for other columns). */
    public double projectNumeric(int row, int column, double x0) {
        if (column != numericColumn) {
            return x0;
        }
        boolean up = assignment[row] == positiveAbove;
        double bound = assignment[row] ? positiveFrom : negativeTo;
        return up ? Math.max(x0, bound) : Math.min(x0, bound);
    }
}
