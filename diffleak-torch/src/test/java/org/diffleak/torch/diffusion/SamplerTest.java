package org.diffleak.torch.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.engine.Scalar;
import org.junit.jupiter.api.Test;

class SamplerTest extends NativeTest {

    private static final NoiseSchedule S = NoiseSchedule.defaultLinear();

    /** Knows x₀, so ε(x_t, t) = (x_t − √ᾱ_t x₀)/√(1−ᾱ_t) is the exact noise of x_t. */
    private static Denoiser oracle(NDArray x0) {
        return new FakeDenoiser((xt, t) -> Scalar.div(xt.sub(Scalar.mul(x0, S.sqrtAlphaBar(t))), S.sqrtOneMinusAlphaBar(t)));
    }

    /** An analytic stand-in: ε̂ = 0.5·x_t·(1 − t/T). */
    private static final double C = 0.5;

    private static Denoiser analytic() {
        return new FakeDenoiser((xt, t) -> Scalar.mul(xt, C * (1 - (double) t / S.steps())));
    }

    private float[] testImage(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(0.37 * i);
        }
        return v;
    }

    @Test
    void ddimWithOracleRecoversX0() {
        NDArray x0 = manager.create(testImage(2 * 16), new Shape(2, 1, 4, 4));
        NDArray xT = Noise.gaussian(manager, x0.getShape(), new SplittableRandom(1));
        DdimSampler ddim = DdimSampler.of(S, 50, 0.0, false);
        NDArray out = ddim.sample(oracle(x0), xT, null, new SplittableRandom(2), ProgressListener.NONE);
        assertThat(out.sub(x0).abs().max().getFloat()).isLessThan(1e-5f);
    }

    @Test
    void ddimFullLoopMatchesFloat64Recurrence() {
        float[] init = testImage(8);
        NDArray xT = manager.create(init, new Shape(2, 1, 2, 2));
        DdimSampler ddim = DdimSampler.of(S, 20, 0.0, false);
        float[] out = ddim.sample(analytic(), xT, null, new SplittableRandom(0), ProgressListener.NONE)
                .toFloatArray();
        int[] ts = ddim.timesteps();
        for (int k = 0; k < init.length; k++) {
            double x = init[k];
            for (int i = 0; i < ts.length; i++) {
                int t = ts[i];
                double eps = x * C * (1 - (double) t / S.steps());
                double x0 = (x - Math.sqrt(1 - S.alphaBar(t)) * eps) / Math.sqrt(S.alphaBar(t));
                double ab = i + 1 < ts.length ? S.alphaBar(ts[i + 1]) : 1.0;
                x = Math.sqrt(ab) * x0 + Math.sqrt(1 - ab) * eps;
            }
            assertThat((double) out[k]).isCloseTo(x, within(1e-4 * Math.max(1, Math.abs(x))));
        }
    }

    @Test
    void ddpmFullLoopMatchesFloat64RecurrenceWithSameDraws() {
        NoiseSchedule s = NoiseSchedule.linear(50, 1e-3, 0.2);
        float[] init = testImage(4);
        NDArray xT = manager.create(init, new Shape(1, 1, 2, 2));
        DdpmSampler ddpm = new DdpmSampler(s, 49, false);
        Denoiser fake = new FakeDenoiser(s, (xt, t) -> Scalar.mul(xt, 0.3));
        float[] out = ddpm.sample(fake, xT, null, new SplittableRandom(7), ProgressListener.NONE).toFloatArray();
        SplittableRandom rng = new SplittableRandom(7);
        double[] x = new double[4];
        for (int k = 0; k < 4; k++) {
            x[k] = init[k];
        }
        for (int t = 49; t >= 0; t--) {
            float[] z = new float[4];
            if (t > 0) {
                Seeds.gaussian(rng, z);
            }
            for (int k = 0; k < 4; k++) {
                double eps = 0.3 * x[k];
                // μ = (x_t − β_t/√(1−ᾱ_t) ε)/√α_t, the eq.-11 form, equal to the x̂₀ form used by the sampler
                double mean = (x[k] - s.beta(t) / Math.sqrt(1 - s.alphaBar(t)) * eps) / Math.sqrt(1 - s.beta(t));
                x[k] = mean + (t > 0 ? Math.sqrt(s.posteriorVariance(t)) * z[k] : 0);
            }
        }
        for (int k = 0; k < 4; k++) {
            assertThat((double) out[k]).isCloseTo(x[k], within(1e-3 * Math.max(1, Math.abs(x[k]))));
        }
    }

    @Test
    void inversionThenSamplingRoundTrips() {
        NDArray x0 = manager.create(testImage(16), new Shape(1, 1, 4, 4));
        int[] asc = DdimSampler.spaced(300, 30);
        NDArray xt = DdimSampler.invert(oracle(x0), x0, asc, null, ProgressListener.NONE);
        NDArray back = DdimSampler.startingAt(S, 300, 30, 0.0, false)
                .sample(oracle(x0), xt, null, new SplittableRandom(0), ProgressListener.NONE);
        assertThat(back.sub(x0).abs().max().getFloat()).isLessThan(1e-4f);

        // With a model that is not exact, inversion is approximate but close for many small steps.
        NDArray xtA = DdimSampler.invert(analytic(), x0, DdimSampler.spaced(200, 200), null, ProgressListener.NONE);
        NDArray backA = DdimSampler.startingAt(S, 200, 200, 0.0, false)
                .sample(analytic(), xtA, null, new SplittableRandom(0), ProgressListener.NONE);
        assertThat(backA.sub(x0).abs().max().getFloat()).isLessThan(0.02f);
    }

    @Test
    void stochasticDdimReplaysForSameSeed() {
        NDArray xT = manager.create(testImage(8), new Shape(2, 1, 2, 2));
        DdimSampler ddim = DdimSampler.of(S, 10, 1.0, true);
        float[] a = ddim.sample(analytic(), xT, null, new SplittableRandom(3), ProgressListener.NONE).toFloatArray();
        float[] b = ddim.sample(analytic(), xT, null, new SplittableRandom(3), ProgressListener.NONE).toFloatArray();
        float[] c = ddim.sample(analytic(), xT, null, new SplittableRandom(4), ProgressListener.NONE).toFloatArray();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }
}
