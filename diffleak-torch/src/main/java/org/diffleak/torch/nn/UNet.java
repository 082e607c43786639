package org.diffleak.torch.nn;

import static org.diffleak.torch.nn.Layers.conv;
import static org.diffleak.torch.nn.Layers.groupNorm;
import static org.diffleak.torch.nn.Layers.linear;
import static org.diffleak.torch.nn.Layers.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.diffleak.core.config.UNetConfig;

/**
 * The DDPM UNet ε_θ(x_t, t[, y]) (Ho et al. 2020, simplified): GroupNorm + SiLU residual blocks with the
 * time (and class) embedding added after the first convolution, strided-convolution downsampling,
 * nearest-upsample + convolution upsampling, one skip connection per level, optional single-head
 * self-attention at the lowest resolution. Stateless: weights come from the {@link Params} of each call.
 */
public final class UNet {

    private final UNetConfig config;
    private final List<ParamSpec> specs = new ArrayList<>();

    public UNet(UNetConfig config) {
        this.config = config;
        declare();
    }

    public UNetConfig config() {
        return config;
    }

    public List<ParamSpec> specs() {
        return specs;
    }

    private void declare() {
        int base = config.baseWidth();
        int emb = config.embedDim();
        linear(specs, "time.fc1", base, emb);
        linear(specs, "time.fc2", emb, emb);
        if (config.numClasses() > 0) {
            Layers.embedding(specs, "class", config.numClasses() + 1, emb);
        }
        conv(specs, "in", config.channels(), base, 3);
        int ch = base;
        List<Integer> skipWidths = new ArrayList<>();
        for (int l = 0; l < config.levels(); l++) {
            for (int r = 0; r < config.resBlocks(); r++) {
                declareRes("down" + l + ".res" + r, ch, config.width(l));
                ch = config.width(l);
            }
            skipWidths.add(ch);
            if (l < config.levels() - 1) {
                conv(specs, "down" + l + ".pool", ch, ch, 3);
            }
        }
        declareRes("mid.res0", ch, ch);
        if (config.attention()) {
            groupNorm(specs, "mid.attn.norm", ch);
            conv(specs, "mid.attn.qkv", ch, 3 * ch, 1);
            conv(specs, "mid.attn.proj", ch, ch, 1);
        }
        declareRes("mid.res1", ch, ch);
        for (int l = config.levels() - 1; l >= 0; l--) {
            int skip = skipWidths.get(l);
            for (int r = 0; r < config.resBlocks(); r++) {
                declareRes("up" + l + ".res" + r, r == 0 ? ch + skip : ch, config.width(l));
                ch = config.width(l);
            }
            if (l > 0) {
                conv(specs, "up" + l + ".upsample", ch, ch, 3);
            }
        }
        groupNorm(specs, "out.norm", ch);
        conv(specs, "out.conv", ch, config.channels(), 3);
    }

    private void declareRes(String name, int in, int out) {
        groupNorm(specs, name + ".norm1", in);
        conv(specs, name + ".conv1", in, out, 3);
        linear(specs, name + ".temb", config.embedDim(), out);
        groupNorm(specs, name + ".norm2", out);
        conv(specs, name + ".conv2", out, out, 3);
        if (in != out) {
            conv(specs, name + ".skip", in, out, 1);
        }
    }

    /**
     * ε_θ(x_t, t, y).
     *
     * @param x noisy images [N, C, H, W] in the [−1, 1] data scale
     * @param t timesteps [N] (int64, 0..T−1)
     * @param y class labels [N] (int64; numClasses = the null label), or null for an unconditional net
     */
    public NDArray forward(Params p, NDArray x, NDArray t, NDArray y) {
        DataType type = x.getDataType();
        long[] ts = t.toType(DataType.INT64, false).toLongArray();
        NDArray temb = Layers.sinusoidalEmbedding(x.getManager(), ts, config.baseWidth()).toType(type, false);
        NDArray emb = linear(p, "time.fc2", silu(linear(p, "time.fc1", temb)));
        if (config.numClasses() > 0) {
            NDArray labels = y != null ? y
                    : x.getManager().full(new Shape(x.getShape().get(0)), config.numClasses(), DataType.INT64);
            NDArray onehot = labels.oneHot(config.numClasses() + 1).toType(type, false);
            emb = emb.add(Layers.embedding(p, "class", onehot));
        }
        NDArray tact = silu(emb);
        NDArray h = conv(p, "in", x, 1);
        Deque<NDArray> skips = new ArrayDeque<>();
        for (int l = 0; l < config.levels(); l++) {
            for (int r = 0; r < config.resBlocks(); r++) {
                h = res(p, "down" + l + ".res" + r, h, tact);
            }
            skips.push(h);
            if (l < config.levels() - 1) {
                h = conv(p, "down" + l + ".pool", h, 2);
            }
        }
        h = res(p, "mid.res0", h, tact);
        if (config.attention()) {
            h = attention(p, "mid.attn", h);
        }
        h = res(p, "mid.res1", h, tact);
        for (int l = config.levels() - 1; l >= 0; l--) {
            h = NDArrays.concat(new NDList(h, skips.pop()), 1);
            for (int r = 0; r < config.resBlocks(); r++) {
                h = res(p, "up" + l + ".res" + r, h, tact);
            }
            if (l > 0) {
                h = conv(p, "up" + l + ".upsample", Layers.upsample2x(h), 1);
            }
        }
        return conv(p, "out.conv", Layers.groupNormSilu(p, "out.norm", h, config.groups()), 1);
    }

    private NDArray res(Params p, String name, NDArray x, NDArray tact) {
        int g = config.groups();
        NDArray h = conv(p, name + ".conv1", Layers.groupNormSilu(p, name + ".norm1", x, g), 1);
        NDArray te = linear(p, name + ".temb", tact);
        h = Layers.addFresh(h, te.reshape(te.getShape().get(0), te.getShape().get(1), 1, 1));
        h = conv(p, name + ".conv2", Layers.groupNormSilu(p, name + ".norm2", h, g), 1);
        NDArray skip = x.getShape().get(1) == h.getShape().get(1) ? x : conv(p, name + ".skip", x, 1);
        return Layers.addFresh(h, skip);
    }

    /** Single-head self-attention over the H·W positions: softmax(qᵀk/√C) applied to v, plus residual. */
    private NDArray attention(Params p, String name, NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long hw = s.get(2) * s.get(3);
        NDArray qkv = conv(p, name + ".qkv", groupNorm(p, name + ".norm", x, config.groups()), 1)
                .reshape(n, 3, c, hw);
        NDArray out = Layers.attend(qkv.get(":, 0"), qkv.get(":, 1"), qkv.get(":, 2")).reshape(s);
        return Layers.addFresh(conv(p, name + ".proj", out, 1), x);
    }
}
