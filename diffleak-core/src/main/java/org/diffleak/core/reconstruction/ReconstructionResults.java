package org.diffleak.core.reconstruction;

import java.util.List;
import java.util.Map;

/**
 * Everything a reconstruction audit measured: per ε the noise, the bounds and each attack's metrics, image
 * panels and leakage maps. Images and maps are [n, C, H, W] (maps [C, H, W]) in the [0, 1] pixel scale.
 *
 * @param settings the run's settings, echoed into results.json
 * @param kappa the prior's baseline success at threshold η
 * @param attacks attack names in column order
 */
public record ReconstructionResults(Map<String, Object> settings, PriorBaseline.Kappa kappa, double eta,
        List<String> attacks, int channels, int height, int width, List<Level> levels, double seconds) {

    /** Metrics of one attack on one image. */
    public record ImageMetrics(int image, double mse, double psnr, double ssim, double encoderDistance,
            boolean success) {}

    /** Means over the images and the success rate (MSE ≤ η). */
    public record Summary(double mse, double psnr, double ssim, double encoderDistance, double successRate) {

        public static Summary of(List<ImageMetrics> rows) {
            double mse = 0;
            double psnr = 0;
            double ssim = 0;
            double enc = 0;
            double ok = 0;
            for (ImageMetrics r : rows) {
                mse += r.mse();
                psnr += Math.min(r.psnr(), 100);
                ssim += r.ssim();
                enc += r.encoderDistance();
                ok += r.success() ? 1 : 0;
            }
            int n = rows.size();
            return new Summary(mse / n, psnr / n, ssim / n, enc / n, ok / n);
        }
    }

    /**
     * One privacy level.
     *
     * @param epsilon +∞ for the noiseless release
     * @param noiseMultiplier σ from the accountant for (ε, δ, q, T); 0 at ε = ∞
     * @param noiseStd mean per-pixel σ_eff of the observations, data scale [−1, 1]
     * @param reroMc ReRo γ by Monte Carlo (NaN at ε = ∞, where γ = 1)
     * @param priorFreeMse the smallest expected MSE without a data prior (pixel scale)
     * @param metrics per attack (in `attacks` order) the per-image metrics
     * @param panels original, observation, then each attack's reconstruction, then the diffusion variance, for
     *     the first images; each [m, C, H, W]
     * @param errorMaps per attack the per-pixel squared error averaged over all images
     * @param varianceMap the diffusion runs' per-pixel variance averaged over all images
     * @param imageErrorMaps the diffusion mean's per-pixel squared error of the panel images, [m, C, H, W]
     * @param diffusionSeconds wall time of the diffusion-prior reconstruction of all images at this ε
     */
    public record Level(double epsilon, double noiseMultiplier, double noiseStd, ReRoBound.Estimate reroMc,
            double reroGdp, double mu, double priorFreeMse, double priorFreePsnr, int startStep,
            List<List<ImageMetrics>> metrics, List<float[]> panels, int panelImages, List<float[]> errorMaps,
            float[] varianceMap, float[] imageErrorMaps, double diffusionSeconds) {

        public Summary summary(int attack) {
            return Summary.of(metrics.get(attack));
        }
    }
}
