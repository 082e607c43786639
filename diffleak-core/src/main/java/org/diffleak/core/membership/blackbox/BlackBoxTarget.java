package org.diffleak.core.membership.blackbox;

/**
 * Query-only access to a diffusion model, as a deployed image service offers it: image-to-image
 * ("noise this image to strength s, denoise it back") and generation from a class label. Pixels are
 * float32 in [0, 1], images laid out [n, C, H, W] in one array. Each image carries its own seed, so a
 * result does not depend on its batch. Implementations: a local model with a DDIM sampler, a remote
 * HTTP endpoint (`diffleak serve`), or an AUTOMATIC1111-style web API ({@link A1111Target}, whose images
 * need not be square: {@link #height()} and {@link #width()}).
 */
public interface BlackBoxTarget {

    int channels();

    /** Side of a square model's images. */
    int imageSize();

    /** Image height in pixels ({@link #imageSize()} for a square model). */
    default int height() {
        return imageSize();
    }

    /** Image width in pixels ({@link #imageSize()} for a square model). */
    default int width() {
        return imageSize();
    }

    /** Conditioning classes (0 = unconditional: `generate` then ignores labels). */
    int numClasses();

    /**
     * Image-to-image: x_t = √ᾱ_t x + √(1−ᾱ_t) ε with t = round(strength · T) and ε drawn from the image's
     * seed, then `steps` DDIM steps from t back to 0.
     *
     * @param images n images [n·C·H·W] in [0, 1]
     * @param labels class labels of the images for a conditional model, or null
     * @return the n reconstructions, same layout
     */
    float[] denoise(float[] images, int[] labels, double strength, int steps, long[] seeds);

    /** One image per (label, seed), `steps` DDIM steps from pure noise; labels null for an unconditional model. */
    float[] generate(int[] labels, int steps, long[] seeds);

    /** Images processed so far (each image of a batch counts as one query). */
    long queries();
}
