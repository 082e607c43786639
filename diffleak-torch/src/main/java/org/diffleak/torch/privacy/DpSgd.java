package org.diffleak.torch.privacy;

import ai.djl.ndarray.NDArray;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.engine.Scalar;

/**
 * The private gradient of DP-SGD (Abadi et al. 2016, Alg. 1), split as Opacus splits it: clip each
 * per-sample gradient to norm C with factor c_i = min(1, C/‖g_i‖), sum, add N(0, σ²C²I), and divide
 * by the expected batch size qN (not the drawn one, so the sensitivity stays C).
 */
public final class DpSgd {

    private DpSgd() {}

    /** Σ_i c_i g_i per parameter, with the clip factors c_i from the per-sample norms. */
    public static Map<String, NDArray> clippedSum(Map<String, NDArray> perSample, double clip) {
        NDArray norms = PerSampleGradients.norms(perSample);
        NDArray factors = Scalar.minimum(Scalar.mul(Scalar.pow(Scalar.add(norms, 1e-6), -1), clip), 1);
        long b = factors.getShape().get(0);
        NDArray row = factors.reshape(1, b);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : perSample.entrySet()) {
            NDArray g = e.getValue();
            out.put(e.getKey(), row.matMul(g.reshape(b, -1)).reshape(g.getShape().slice(1)));
        }
        return out;
    }

    /**
     * (sum + N(0, σ²C²)) / expectedBatch, in place of sum's arrays. The normal draws use the generator's
     * own nextGaussian (a ziggurat for Java's generators), several times faster than Box–Muller.
     */
    public static void noiseAndScale(Map<String, NDArray> sums, double sigma, double clip, double expectedBatch,
            RandomGenerator rng) {
        for (Map.Entry<String, NDArray> e : sums.entrySet()) {
            NDArray s = e.getValue();
            float[] z = new float[Math.toIntExact(s.size())];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (rng.nextGaussian() * sigma * clip);
            }
            e.setValue(Scalar.divi(s.add(s.getManager().create(z, s.getShape())), expectedBatch));
        }
    }

    /**
     * The generator of step `step`'s noise: seeded (reproducible, and a resumed run replays it) or a fresh
     * DRBG SecureRandom, as a real release should use.
     */
    public static RandomGenerator noiseGenerator(Seeds seeds, long step, boolean secure) {
        if (!secure) {
            return seeds.child("dp-noise").child(step).random();
        }
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** Poisson sampling: each of n indices independently with probability q. */
    public static int[] poissonSample(SplittableRandom rng, int n, double q) {
        int[] buf = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() < q) {
                buf[k++] = i;
            }
        }
        return java.util.Arrays.copyOf(buf, k);
    }
}
