package org.diffleak.torch.membership;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.runtime.TorchRuntime;

/** Batching shared by the attacks that only query ε_θ(x_t, t): each batch in its own sub-manager. */
abstract class GrayBoxAttack implements MembershipAttack {

    private final int batch;

    GrayBoxAttack(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("attack batch must be ≥ 1, got " + batch);
        }
        this.batch = batch;
    }

    /** Scores of images [n, C, H, W] in the [−1, 1] scale; `first` is the index of row 0 in the candidates. */
    abstract float[] scoreBatch(Denoiser target, NDArray x0, int first);

    @Override
    public double[] score(Denoiser target, ImageDataset candidates, ProgressListener progress) {
        candidates.requireShape(target.channels(), target.imageSize());
        int n = candidates.size();
        int d = candidates.imageSize();
        double[] out = new double[n];
        progress.start(name(), n);
        try (NDManager m = TorchRuntime.newManager()) {
            for (int from = 0; from < n; from += batch) {
                int b = Math.min(batch, n - from);
                float[] px = new float[b * d];
                for (int i = 0; i < b; i++) {
                    candidates.copyImage(from + i, px, i * d);
                }
                for (int i = 0; i < px.length; i++) {
                    px[i] = 2f * px[i] - 1f;
                }
                try (NDManager sm = m.newSubManager()) {
                    NDArray x0 = sm.create(px, new Shape(b, target.channels(), target.imageSize(), target.imageSize()));
                    float[] s = scoreBatch(target, x0, from);
                    for (int i = 0; i < b; i++) {
                        out[from + i] = s[i];
                    }
                }
                progress.update(from + b, "");
            }
        }
        progress.finish(name() + ": scored " + n + " candidates");
        return out;
    }

    static NDArray timesteps(NDManager m, long n, int t) {
        return m.full(new Shape(n), t, DataType.INT64);
    }

    /** Σ over each image's pixels of |v|^p, as [n]. */
    static NDArray perImagePowerSum(NDArray v, double p) {
        long n = v.getShape().get(0);
        NDArray a = p == 2 ? v.square() : Scalar.pow(v.abs(), p);
        return a.reshape(n, -1).sum(new int[] {1});
    }
}
