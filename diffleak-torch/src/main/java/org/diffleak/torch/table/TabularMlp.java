package org.diffleak.torch.table;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.torch.nn.Layers;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.nn.Params;

/**
 * TabDDPM's MLPDiffusion: h = proj(x) + time(emb(t)), time = Linear → SiLU → Linear, emb the sinusoidal
 * embedding [cos(t f_i), sin(t f_i)], f_i = 10000^(−i/half); then Linear → ReLU per hidden layer and a
 * linear head back to the input width (dropout 0). Functional: weights come in with each call.
 */
public final class TabularMlp {

    private final int width;
    private final TabDdpmConfig config;

    /** @param width the input and output width: numeric scores plus the one-hot blocks */
    public TabularMlp(int width, TabDdpmConfig config) {
        if (width < 1) {
            throw new IllegalArgumentException("a table model needs at least one column");
        }
        this.width = width;
        this.config = config;
    }

    public int width() {
        return width;
    }

    public List<ParamSpec> specs() {
        List<ParamSpec> s = new ArrayList<>();
        int d = config.timeDim();
        Layers.linear(s, "proj", width, d);
        Layers.linear(s, "time.0", d, d);
        Layers.linear(s, "time.2", d, d);
        int prev = d;
        for (int i = 0; i < config.hidden().size(); i++) {
            Layers.linear(s, "mlp." + i, prev, config.hidden().get(i));
            prev = config.hidden().get(i);
        }
        Layers.linear(s, "head", prev, width);
        return s;
    }

    /** x [B, width] at timesteps t (one per row) → [B, width]: ε̂ for the numeric part, x₀ logits for the rest. */
    public NDArray forward(Params p, NDArray x, int[] t) {
        NDArray emb = timestepEmbedding(x.getManager(), t, config.timeDim());
        NDArray temb = Layers.linear(p, "time.2", Layers.silu(Layers.linear(p, "time.0", emb)));
        NDArray h = Layers.linear(p, "proj", x).add(temb);
        for (int i = 0; i < config.hidden().size(); i++) {
            h = Activation.relu(Layers.linear(p, "mlp." + i, h));
        }
        return Layers.linear(p, "head", h);
    }

    /** TabDDPM's timestep_embedding: [cos(t f_i) | sin(t f_i)], f_i = exp(−ln(10000)·i/half), in float64 then float32. */
    static NDArray timestepEmbedding(NDManager m, int[] t, int dim) {
        int half = dim / 2;
        float[] e = new float[t.length * dim];
        for (int r = 0; r < t.length; r++) {
            for (int i = 0; i < half; i++) {
                double a = t[r] * Math.exp(-Math.log(10000) * i / half);
                e[r * dim + i] = (float) Math.cos(a);
                e[r * dim + half + i] = (float) Math.sin(a);
            }
        }
        return m.create(e, new Shape(t.length, dim));
    }
}
