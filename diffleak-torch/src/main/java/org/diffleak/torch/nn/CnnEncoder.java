package org.diffleak.torch.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffleak.core.membership.blackbox.ImageEncoder;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/** The project's own CNN as image encoder: its penultimate (feature) layer, batch by batch in sub-managers. */
public final class CnnEncoder implements ImageEncoder {

    private final CnnClassifier net;
    private final Params params;

    public CnnEncoder(CnnClassifier net, Params params) {
        this.net = net;
        this.params = params;
    }

    @Override
    public float[][] encode(float[] images, int n) {
        int c = net.config().channels();
        int s = net.config().imageSize();
        float[] scaled = new float[images.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = 2f * images[i] - 1f;
        }
        try (NDManager m = params.manager().newSubManager()) {
            float[] f = net.features(params, m.create(scaled, new Shape(n, c, s, s))).toFloatArray();
            int dim = f.length / n;
            float[][] out = new float[n][dim];
            for (int i = 0; i < n; i++) {
                System.arraycopy(f, i * dim, out[i], 0, dim);
            }
            return out;
        }
    }
}
