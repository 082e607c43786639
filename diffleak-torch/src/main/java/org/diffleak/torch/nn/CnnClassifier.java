package org.diffleak.torch.nn;

import static org.diffleak.torch.nn.Layers.conv;
import static org.diffleak.torch.nn.Layers.groupNorm;
import static org.diffleak.torch.nn.Layers.linear;
import static org.diffleak.torch.nn.Layers.silu;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.config.CnnConfig;

/**
 * A small CNN classifier and image encoder. Each stage is conv3×3 → GroupNorm → SiLU → conv3×3 with
 * stride 2 → GroupNorm → SiLU; then global average pooling, a linear layer + SiLU giving the features
 * (the embedding), and a linear head giving the class logits. No BatchNorm, so each sample's output
 * depends on that sample alone (as DP-SGD's per-sample gradients need). Stateless: weights come from
 * the {@link Params} of each call.
 */
public final class CnnClassifier {

    private final CnnConfig config;
    private final List<ParamSpec> specs = new ArrayList<>();

    public CnnClassifier(CnnConfig config) {
        this.config = config;
        declare();
    }

    public CnnConfig config() {
        return config;
    }

    public List<ParamSpec> specs() {
        return specs;
    }

    private void declare() {
        int ch = config.channels();
        for (int s = 0; s < config.stages(); s++) {
            int w = config.widths().get(s);
            conv(specs, "stage" + s + ".conv1", ch, w, 3);
            groupNorm(specs, "stage" + s + ".norm1", w);
            conv(specs, "stage" + s + ".conv2", w, w, 3);
            groupNorm(specs, "stage" + s + ".norm2", w);
            ch = w;
        }
        linear(specs, "features", ch, config.featureDim());
        linear(specs, "head", config.featureDim(), config.numClasses());
    }

    /**
     * The embedding φ(x).
     *
     * @param x images [N, C, H, W] in the [−1, 1] data scale
     * @return features [N, featureDim]
     */
    public NDArray features(Params p, NDArray x) {
        int g = config.groups();
        NDArray h = x;
        for (int s = 0; s < config.stages(); s++) {
            h = Layers.groupNormSilu(p, "stage" + s + ".norm1", conv(p, "stage" + s + ".conv1", h, 1), g);
            h = Layers.groupNormSilu(p, "stage" + s + ".norm2", conv(p, "stage" + s + ".conv2", h, 2), g);
        }
        return silu(linear(p, "features", Layers.globalAvgPool(h)));
    }

    /** Unnormalised class scores [N, numClasses] of images x [N, C, H, W] in [−1, 1]. */
    public NDArray logits(Params p, NDArray x) {
        return linear(p, "head", features(p, x));
    }
}
