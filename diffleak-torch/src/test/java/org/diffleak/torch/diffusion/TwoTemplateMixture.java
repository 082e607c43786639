package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.torch.engine.Scalar;

/**
 * Data that is template a (class 1, "has the property") with probability p, else template b (class 0),
 * side×side images. Its exact ε-prediction is ε̂ = (x_t − √ᾱ_t E[x₀ | x_t])/√(1−ᾱ_t) with
 * E[x₀ | x_t] = Σ_k w_k μ_k, w ∝ π_k exp(−‖x_t − √ᾱ_t μ_k‖²/(2(1−ᾱ_t))); its exact noisy classifier
 * (uniform class prior) has logits −‖x_t − √ᾱ_t μ_k‖²/(2(1−ᾱ_t)), built from differentiable ops.
 */
final class TwoTemplateMixture implements Denoiser, NoisyClassifier {

    final NoiseSchedule schedule;
    final float[] a;
    final float[] b;
    final double p;
    final int side;

    TwoTemplateMixture(NoiseSchedule schedule, float[] a, float[] b, double p) {
        this.schedule = schedule;
        this.a = a;
        this.b = b;
        this.p = p;
        this.side = (int) Math.round(Math.sqrt(a.length));
    }

    /** a_i = 0.6 sin(1.7 i + 0.3), b = −a. */
    static float[][] templates(int side) {
        float[] a = new float[side * side];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (0.6 * Math.sin(1.7 * i + 0.3));
            b[i] = -a[i];
        }
        return new float[][] {a, b};
    }

    /** −‖x_t − √ᾱ_t μ‖²/(2(1−ᾱ_t)) per row [N]. */
    private NDArray logLikelihood(NDArray xt, float[] mu, int t) {
        NDManager m = xt.getManager();
        NDArray c = Scalar.mul(m.create(mu).reshape(1, 1, side, side), schedule.sqrtAlphaBar(t));
        return Scalar.div(xt.sub(c).square().sum(new int[] {1, 2, 3}), -2 * (1 - schedule.alphaBar(t)));
    }

    @Override
    public NDArray logits(NDArray xt, NDArray t) {
        int step = (int) t.toLongArray()[0];
        long n = xt.getShape().get(0);
        return logLikelihood(xt, b, step).reshape(n, 1).concat(logLikelihood(xt, a, step).reshape(n, 1), 1);
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        int step = (int) t.toLongArray()[0];
        long n = xt.getShape().get(0);
        NDManager m = xt.getManager();
        NDArray la = Scalar.add(logLikelihood(xt, a, step), Math.log(p));
        NDArray lb = Scalar.add(logLikelihood(xt, b, step), Math.log(1 - p));
        NDArray wa = Scalar.pow(Scalar.add(lb.sub(la).exp(), 1), -1).reshape(n, 1, 1, 1);
        NDArray ma = m.create(a).reshape(1, 1, side, side);
        NDArray mb = m.create(b).reshape(1, 1, side, side);
        NDArray x0 = ma.mul(wa).add(mb.mul(Scalar.rsub(1, wa)));
        return Scalar.div(xt.sub(Scalar.mul(x0, schedule.sqrtAlphaBar(step))), schedule.sqrtOneMinusAlphaBar(step));
    }

    /** The held-out judge: is x₀ nearer a than b? */
    boolean[] judge(float[] x0) {
        int d = a.length;
        boolean[] out = new boolean[x0.length / d];
        for (int i = 0; i < out.length; i++) {
            double da = 0;
            double db = 0;
            for (int j = 0; j < d; j++) {
                da += (x0[i * d + j] - a[j]) * (x0[i * d + j] - a[j]);
                db += (x0[i * d + j] - b[j]) * (x0[i * d + j] - b[j]);
            }
            out[i] = da < db;
        }
        return out;
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int imageSize() {
        return side;
    }
}
