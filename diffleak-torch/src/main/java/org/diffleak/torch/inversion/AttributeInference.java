package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffleak.core.inversion.FederatedSetting;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/**
 * Predicts a user's private attribute (the fine Fashion-MNIST category) from a recovered image with a
 * fine-category classifier the attacker trained on auxiliary data: the arg-max of its logits among the
 * categories of the coarse group that label inference found. The classifier is passed in, never owned.
 */
public final class AttributeInference {

    private final CnnClassifier net;
    private final Params params;

    /** @param net a 10-class Fashion-MNIST classifier with its weights */
    public AttributeInference(CnnClassifier net, Params params) {
        if (net.config().numClasses() != 10) {
            throw new IllegalArgumentException("the attribute classifier must have the 10 fine categories, has "
                    + net.config().numClasses());
        }
        this.net = net;
        this.params = params;
    }

    /**
     * @param image one image [C·H·W], pixels in [0, 1]
     * @param group the coarse group it belongs to
     * @return the predicted fine category
     */
    public int predict(float[] image, int group) {
        int c = net.config().channels();
        int s = net.config().imageSize();
        float[] x = new float[image.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 2f * image[i] - 1f;
        }
        float[] logits;
        try (NDManager m = params.manager().newSubManager()) {
            logits = net.logits(params, m.create(x, new Shape(1, c, s, s))).toFloatArray();
        }
        int best = -1;
        for (int k : FederatedSetting.categoriesOf(group)) {
            if (best < 0 || logits[k] > logits[best]) {
                best = k;
            }
        }
        return best;
    }
}
