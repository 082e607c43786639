package org.diffleak.torch.reconstruction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.engine.Scalar;

/**
 * The exact ε-prediction for data that is one of two square images a, b with equal probability:
 * x̂₀ = E[x₀ | x_t] = w_a a + w_b b with w ∝ exp(−‖x_t − √ᾱ_t x₀‖²/(2(1−ᾱ_t))), ε̂ = (x_t − √ᾱ_t x̂₀)/√(1−ᾱ_t).
 */
final class TwoPointPrior implements Denoiser {

    static final NoiseSchedule S = NoiseSchedule.defaultLinear();

    final float[] a;
    final float[] b;
    final int side;

    TwoPointPrior(float[] a, float[] b) {
        this.a = a;
        this.b = b;
        this.side = (int) Math.round(Math.sqrt(a.length));
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        int step = (int) t.toLongArray()[0];
        double sa = S.sqrtAlphaBar(step);
        double v = 2 * (1 - S.alphaBar(step));
        NDManager m = xt.getManager();
        long n = xt.getShape().get(0);
        NDArray pa = m.create(a).reshape(1, 1, side, side);
        NDArray pb = m.create(b).reshape(1, 1, side, side);
        NDArray da = Scalar.div(xt.sub(Scalar.mul(pa, sa)).square().sum(new int[] {1, 2, 3}), -v);
        NDArray db = Scalar.div(xt.sub(Scalar.mul(pb, sa)).square().sum(new int[] {1, 2, 3}), -v);
        NDArray wa = Scalar.pow(Scalar.add(da.sub(db).neg().exp(), 1), -1).reshape(n, 1, 1, 1);
        NDArray x0 = pa.mul(wa).add(pb.mul(Scalar.rsub(1, wa)));
        return Scalar.div(xt.sub(Scalar.mul(x0, sa)), S.sqrtOneMinusAlphaBar(step));
    }

    @Override
    public NoiseSchedule schedule() {
        return S;
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
