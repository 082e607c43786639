package org.diffleak.torch.nn;

import static org.diffleak.torch.nn.Layers.conv;
import static org.diffleak.torch.nn.Layers.groupNorm;
import static org.diffleak.torch.nn.Layers.linear;
import static org.diffleak.torch.nn.Layers.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.config.CnnConfig;

/**
 * A classifier of noisy images p(y | x_t, t) for classifier guidance (Dhariwal &amp; Nichol 2021), as
 * {@link CnnClassifier} but conditioned on the timestep twice: t/T enters as an extra constant input
 * channel, and a sinusoidal embedding of t (through linear + SiLU) is added as a per-channel bias after
 * the first convolution of every stage. Stateless: weights come from the {@link Params} of each call.
 */
public final class NoiseAwareClassifier {

    private final CnnConfig config;
    private final int timesteps;
    private final List<ParamSpec> specs = new ArrayList<>();

    /** @param timesteps T of the diffusion schedule the classifier serves */
    public NoiseAwareClassifier(CnnConfig config, int timesteps) {
        this.config = config;
        this.timesteps = timesteps;
        int emb = embedDim();
        linear(specs, "time.fc", emb, emb);
        int ch = config.channels() + 1;
        for (int s = 0; s < config.stages(); s++) {
            int w = config.widths().get(s);
            conv(specs, "stage" + s + ".conv1", ch, w, 3);
            linear(specs, "stage" + s + ".temb", emb, w);
            groupNorm(specs, "stage" + s + ".norm1", w);
            conv(specs, "stage" + s + ".conv2", w, w, 3);
            groupNorm(specs, "stage" + s + ".norm2", w);
            ch = w;
        }
        linear(specs, "features", ch, config.featureDim());
        linear(specs, "head", config.featureDim(), config.numClasses());
    }

    public CnnConfig config() {
        return config;
    }

    public int timesteps() {
        return timesteps;
    }

    public List<ParamSpec> specs() {
        return specs;
    }

    private int embedDim() {
        return config.widths().get(0);
    }

    /**
     * Class scores of noisy images.
     *
     * @param xt [N, C, H, W] in the [−1, 1] data scale
     * @param t timesteps [N], int64, 0..T−1
     * @return logits [N, numClasses]
     */
    public NDArray logits(Params p, NDArray xt, NDArray t) {
        NDManager m = xt.getManager();
        Shape s = xt.getShape();
        long n = s.get(0);
        long[] ts = t.toType(DataType.INT64, false).toLongArray();
        float[] frac = new float[Math.toIntExact(n * s.get(2) * s.get(3))];
        int plane = Math.toIntExact(s.get(2) * s.get(3));
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(frac, i * plane, (i + 1) * plane, (float) ts[i] / timesteps);
        }
        NDArray h = NDArrays.concat(new NDList(xt, m.create(frac, new Shape(n, 1, s.get(2), s.get(3)))), 1);
        NDArray temb = silu(linear(p, "time.fc", Layers.sinusoidalEmbedding(m, ts, embedDim())));
        int g = config.groups();
        for (int st = 0; st < config.stages(); st++) {
            NDArray b = linear(p, "stage" + st + ".temb", temb);
            h = conv(p, "stage" + st + ".conv1", h, 1).add(b.reshape(n, b.getShape().get(1), 1, 1));
            h = Layers.groupNormSilu(p, "stage" + st + ".norm1", h, g);
            h = Layers.groupNormSilu(p, "stage" + st + ".norm2", conv(p, "stage" + st + ".conv2", h, 2), g);
        }
        return linear(p, "head", silu(linear(p, "features", Layers.globalAvgPool(h))));
    }
}
