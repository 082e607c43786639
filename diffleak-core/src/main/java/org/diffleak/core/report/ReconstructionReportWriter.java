package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.esc;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.ImageGrid;
import org.diffleak.core.property.Bootstrap;
import org.diffleak.core.reconstruction.PriorBaseline;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.reconstruction.ReconstructionResults.ImageMetrics;
import org.diffleak.core.reconstruction.ReconstructionResults.Level;
import org.diffleak.core.reconstruction.ReconstructionResults.Summary;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.Seeds;

/**
 * The reconstruction audit's directory, written atomically: results.json (every plotted number, the leakage
 * maps included), metrics.csv (one row per ε, image and attack) and a self-contained index.html (SVG curves
 * vs ε with the ReRo and prior-free bounds, image panels per ε, leakage heatmaps as colour maps).
 */
public final class ReconstructionReportWriter {

    public static final String HTML = "index.html";
    public static final String RESULTS = "results.json";
    public static final String METRICS = "metrics.csv";

    private static final String[] COLORS = {"#868e96", "#0072b2", "#d55e00", "#009e73", "#cc79a7"};
    private static final String BOUND = "#111111";
    /** Resamples of the images for the intervals of mean SSIM and encoder similarity. */
    private static final int BOOTSTRAPS = 1000;
    /** The seed of those resamples, split per level, attack and metric. */
    private static final long BOOTSTRAP_SEED = 2024;
    private static final int ZOOM = 3;
    /** Anchors of the colour map for leakage heatmaps, dark (0) to bright (max). */
    private static final int[][] RAMP = {{0, 0, 4}, {81, 18, 124}, {183, 55, 121}, {252, 137, 97}, {252, 253, 191}};

    private ReconstructionReportWriter() {}

    public static void write(ReconstructionResults r, Path dir) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Files.writeString(tmp.resolve(RESULTS), Json.toJson(json(r)), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(METRICS), csv(r), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(HTML), html(r), StandardCharsets.UTF_8);
        });
    }

    /** ∞ written as "inf" (JSON has no infinity). */
    /** The study's headline table for the audit page, linking to its full report at `href`. */
    public static LinkedSection section(ReconstructionResults r, String href) {
        List<String> columns = new ArrayList<>(List.of("ε", "σ_eff (data scale)", "ReRo γ (Monte Carlo)"));
        for (String a : r.attacks()) {
            columns.add("SSIM " + a);
        }
        for (String a : r.attacks()) {
            columns.add("encoder distance " + a);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Level l : r.levels()) {
            List<String> row = new ArrayList<>(List.of(Double.isInfinite(l.epsilon()) ? "∞" : epsLabel(l.epsilon()),
                    String.format(Locale.ROOT, "%.3g", l.noiseStd()),
                    l.reroMc() == null ? "1" : String.format(Locale.ROOT, "%.4f ± %.4f", l.reroMc().gamma(),
                            l.reroMc().standardError())));
            for (int a = 0; a < r.attacks().size(); a++) {
                row.add(String.format(Locale.ROOT, "%.3f", l.summary(a).ssim()));
            }
            for (int a = 0; a < r.attacks().size(); a++) {
                row.add(String.format(Locale.ROOT, "%.3f", l.summary(a).encoderDistance()));
            }
            rows.add(row);
        }
        return new LinkedSection("reconstruction", "Reconstruction from DP releases",
                "What an informed attacker recovers of " + r.settings().get("images") + " training images, each"
                        + " released once under DP, with the public base model as image prior; SSIM higher and"
                        + " encoder distance lower mean closer to the original. κ = "
                        + String.format(Locale.ROOT, "%.4g", r.kappa().kappa()) + " is the prior's own success (the best"
                        + " single guess without the release).",
                href, columns, rows);
    }

    static String epsLabel(double eps) {
        return Double.isInfinite(eps) ? "inf" : String.format(Locale.ROOT, "%g", eps).replaceAll("\\.?0+$", "");
    }

    private static Object num(double v) {
        return Double.isFinite(v) ? v : Double.isNaN(v) ? null : v > 0 ? "inf" : "-inf";
    }

    static Map<String, Object> json(ReconstructionResults r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("settings", r.settings());
        root.put("eta_mse", r.eta());
        Map<String, Object> kappa = new LinkedHashMap<>();
        kappa.put("kappa", r.kappa().kappa());
        kappa.put("interval95", List.of(r.kappa().lower(), r.kappa().upper()));
        kappa.put("definition", "best single prior-only guess (auxiliary mean or one auxiliary image), picked on half"
                + " of the targets, hit rate on the other half");
        kappa.put("best_guess", r.kappa().bestGuess() == PriorBaseline.MEAN_GUESS ? "auxiliary mean"
                : "auxiliary image " + r.kappa().bestGuess());
        kappa.put("held_out_targets", r.kappa().heldOut());
        kappa.put("selection_rate", r.kappa().selectionRate());
        kappa.put("mean_guess_rate", r.kappa().meanGuessRate());
        kappa.put("random_guess_rate", r.kappa().randomGuessRate());
        root.put("kappa", kappa);
        root.put("attacks", r.attacks());
        root.put("image_shape", List.of(r.channels(), r.height(), r.width()));
        root.put("seconds", r.seconds());
        List<Object> levels = new ArrayList<>();
        for (int e = 0; e < r.levels().size(); e++) {
            Level l = r.levels().get(e);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", epsLabel(l.epsilon()));
            m.put("noise_multiplier", l.noiseMultiplier());
            m.put("noise_std_data_scale", l.noiseStd());
            m.put("t_star", l.startStep());
            m.put("rero_gamma_dpsgd", l.reroMc() == null ? 1.0 : l.reroMc().gamma());
            m.put("rero_gamma_dpsgd_stderr", l.reroMc() == null ? 0.0 : l.reroMc().standardError());
            m.put("rero_samples", l.reroMc() == null ? 0 : l.reroMc().samples());
            m.put("rero_gamma_gdp", l.reroGdp());
            m.put("mu", num(l.mu()));
            m.put("prior_free_mse", l.priorFreeMse());
            m.put("prior_free_psnr", num(l.priorFreePsnr()));
            m.put("diffusion_seconds", l.diffusionSeconds());
            Map<String, Object> attacks = new LinkedHashMap<>();
            Map<String, Object> maps = new LinkedHashMap<>();
            for (int a = 0; a < r.attacks().size(); a++) {
                Summary s = l.summary(a);
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("mse", s.mse());
                am.put("psnr", s.psnr());
                am.put("ssim", s.ssim());
                am.put("encoder_distance", s.encoderDistance());
                am.put("success_rate", s.successRate());
                List<ImageMetrics> rows = l.metrics().get(a);
                Seeds seeds = Seeds.of(BOOTSTRAP_SEED).child(e).child(a);
                am.put("ssim_ci", meanInterval(rows, ImageMetrics::ssim, seeds.child("ssim")));
                am.put("encoder_similarity", 1 - s.encoderDistance());
                am.put("encoder_similarity_ci", meanInterval(rows, im -> 1 - im.encoderDistance(),
                        seeds.child("encoder")));
                attacks.put(r.attacks().get(a), am);
                maps.put(r.attacks().get(a), l.errorMaps().get(a));
            }
            m.put("attacks", attacks);
            m.put("error_maps", maps);
            m.put("variance_map", l.varianceMap());
            levels.add(m);
        }
        root.put("levels", levels);
        return root;
    }

    /** The 95% bootstrap interval of a per-image metric's mean over the images, [low, high]. */
    private static List<Double> meanInterval(List<ImageMetrics> rows, ToDoubleFunction<ImageMetrics> metric,
            Seeds seeds) {
        double[] ci = Bootstrap.meanInterval(rows.stream().mapToDouble(metric).toArray(), BOOTSTRAPS, seeds.random());
        return List.of(ci[0], ci[1]);
    }

    static String csv(ReconstructionResults r) {
        StringBuilder b = new StringBuilder("epsilon,image,attack,mse,psnr,ssim,encoder_distance,success\n");
        for (Level l : r.levels()) {
            for (int a = 0; a < r.attacks().size(); a++) {
                for (ImageMetrics m : l.metrics().get(a)) {
                    b.append(epsLabel(l.epsilon())).append(',').append(m.image()).append(',').append(r.attacks().get(a))
                            .append(',').append(m.mse()).append(',').append(Double.isInfinite(m.psnr()) ? "inf" : m.psnr())
                            .append(',').append(m.ssim()).append(',').append(m.encoderDistance()).append(',')
                            .append(m.success() ? 1 : 0).append('\n');
                }
            }
        }
        return b.toString();
    }

    static String html(ReconstructionResults r) {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>DiffLeak reconstruction")
                .append(" audit</title>\n<style>\n").append(Stylesheet.CSS).append("</style>\n</head>\n<body>\n<main class=\"study\">\n")
                .append("<h1>What an attacker reconstructs from a DP release</h1>\n<section>\n<p>")
                .append(esc(String.valueOf(r.settings().get("mechanism_description")))).append("</p>\n<p class=\"note\">")
                .append("Success: MSE ≤ η = ").append(Fmt.dec(r.eta())).append(" in the [0, 1] pixel scale. κ (the prior's")
                .append(" own success, best of guessing the auxiliary mean and a random auxiliary image) = ")
                .append(String.format(Locale.ROOT, "%.4g", r.kappa().kappa())).append(". σ_eff and the clip norm C refer")
                .append(" to the model's [−1, 1] data scale; metrics to [0, 1]. Run time ").append(Fmt.seconds(r.seconds()))
                .append(".</p>\n</section>\n");
        curves(b, r);
        table(b, r);
        panels(b, r);
        heatmaps(b, r);
        b.append("<p class=\"note\">Every number: <a href=\"").append(RESULTS).append("\">").append(RESULTS)
                .append("</a> · per image: <a href=\"").append(METRICS).append("\">").append(METRICS)
                .append("</a> · made by DiffLeak</p>\n</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void curves(StringBuilder b, ReconstructionResults r) {
        List<String> cats = new ArrayList<>();
        for (Level l : r.levels()) {
            cats.add(Double.isInfinite(l.epsilon()) ? "∞" : epsLabel(l.epsilon()));
        }
        int n = cats.size();
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i;
        }
        b.append("<section>\n<h2>Attacks and bounds vs ε</h2>\n<div class=\"plots\">\n");
        double[] gamma = new double[n];
        double[] gdp = new double[n];
        double[] kappa = new double[n];
        double[] pfPsnr = new double[n];
        double[] pfMse = new double[n];
        for (int i = 0; i < n; i++) {
            Level l = r.levels().get(i);
            gamma[i] = l.reroMc() == null ? 1 : l.reroMc().gamma();
            gdp[i] = l.reroGdp();
            kappa[i] = r.kappa().kappa();
            pfPsnr[i] = Math.min(l.priorFreePsnr(), 60);
            pfMse[i] = l.priorFreeMse();
        }
        SvgPlot.Axis x = SvgPlot.Axis.categorical("ε", cats);
        SvgPlot success = new SvgPlot("rero", "Success rate (MSE ≤ η) and the ReRo bound", 380, 240, x,
                SvgPlot.Axis.linear("success probability", 0, 1));
        List<SvgPlot.Legend> legend = new ArrayList<>();
        success.line(xs, gamma, BOUND, "bound", "ReRo γ (DP-SGD, MC)", true);
        legend.add(new SvgPlot.Legend("ReRo γ (DP-SGD, MC)", BOUND, false));
        success.line(xs, gdp, COLORS[4], "bound", "ReRo γ (μ-GDP)", false);
        legend.add(new SvgPlot.Legend("ReRo γ (μ-GDP)", COLORS[4], false));
        success.line(xs, kappa, COLORS[0], "bound", "κ", false);
        legend.add(new SvgPlot.Legend("κ (prior alone)", COLORS[0], false));
        attackLines(success, legend, r, xs, s -> s.successRate());
        b.append(success.legend(legend).render());
        b.append(metricPlot(r, xs, x, "SSIM (higher leaks more)", "SSIM", s -> s.ssim(), null));
        b.append(metricPlot(r, xs, x, "PSNR and the prior-free bound", "PSNR (dB)", s -> s.psnr(), pfPsnr));
        b.append(metricPlot(r, xs, x, "Encoder-feature distance (lower leaks more)", "1 − cosine", s -> s.encoderDistance(),
                null));
        b.append(metricPlot(r, xs, x, "MSE and the prior-free bound", "MSE", s -> s.mse(), pfMse));
        b.append("</div>\n<p class=\"note\">The prior-free bound (Cramér–Rao: MSE ≥ σ_eff²/4 in pixel scale for any")
                .append(" unbiased estimator) is what an adversary without a data prior can reach; estimators with a")
                .append(" prior go beyond it. The ReRo γ bounds the success of any attack with a prior whose own success")
                .append(" is κ.</p>\n</section>\n");
    }

    private interface Pick {
        double of(Summary s);
    }

    private static void attackLines(SvgPlot p, List<SvgPlot.Legend> legend, ReconstructionResults r, double[] xs, Pick f) {
        for (int a = 0; a < r.attacks().size(); a++) {
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                ys[i] = f.of(r.levels().get(i).summary(a));
            }
            String color = COLORS[1 + a % 3];
            p.line(xs, ys, color, "curve", r.attacks().get(a), true);
            legend.add(new SvgPlot.Legend(r.attacks().get(a), color, false));
        }
    }

    private static String metricPlot(ReconstructionResults r, double[] xs, SvgPlot.Axis x, String title, String yTitle,
            Pick f, double[] bound) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Level l : r.levels()) {
            for (int a = 0; a < r.attacks().size(); a++) {
                double v = f.of(l.summary(a));
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        SvgPlot p = new SvgPlot("metric", title, 380, 240, x, SvgPlot.Axis.linearNice(yTitle, Math.min(lo, 0), hi));
        List<SvgPlot.Legend> legend = new ArrayList<>();
        if (bound != null) {
            p.line(xs, bound, BOUND, "bound", "prior-free bound", true);
            legend.add(new SvgPlot.Legend("prior-free bound (clamped to the axis)", BOUND, false));
        }
        attackLines(p, legend, r, xs, f);
        return p.legend(legend).render();
    }

    private static void table(StringBuilder b, ReconstructionResults r) {
        b.append("<section>\n<h2>Mean metrics per ε</h2>\n<table>\n<thead><tr><th>ε</th><th>σ</th><th>σ_eff</th>")
                .append("<th>t*</th><th>ReRo γ (MC ± se)</th><th>γ (GDP)</th><th>attack</th><th>MSE</th><th>PSNR</th>")
                .append("<th>SSIM</th><th>enc. dist.</th><th>success</th></tr></thead>\n<tbody>\n");
        for (Level l : r.levels()) {
            for (int a = 0; a < r.attacks().size(); a++) {
                Summary s = l.summary(a);
                b.append("<tr><td>").append(a == 0 ? esc(epsLabel(l.epsilon())) : "").append("</td><td>")
                        .append(a == 0 ? String.format(Locale.ROOT, "%.4g", l.noiseMultiplier()) : "").append("</td><td>")
                        .append(a == 0 ? String.format(Locale.ROOT, "%.4g", l.noiseStd()) : "").append("</td><td>")
                        .append(a == 0 ? Integer.toString(l.startStep()) : "").append("</td><td>")
                        .append(a == 0 ? (l.reroMc() == null ? "1" : String.format(Locale.ROOT, "%.4f ± %.4f",
                                l.reroMc().gamma(), l.reroMc().standardError())) : "").append("</td><td>")
                        .append(a == 0 ? Fmt.dec(l.reroGdp()) : "").append("</td><td>").append(esc(r.attacks().get(a)))
                        .append("</td><td>").append(String.format(Locale.ROOT, "%.4f", s.mse())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.2f", s.psnr())).append("</td><td>").append(Fmt.dec(s.ssim()))
                        .append("</td><td>").append(Fmt.dec(s.encoderDistance())).append("</td><td>")
                        .append(Fmt.pct(s.successRate())).append("</td></tr>\n");
            }
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private static void panels(StringBuilder b, ReconstructionResults r) {
        b.append("<section>\n<h2>Reconstructions per ε</h2>\n<p class=\"note\">Columns: original, observation")
                .append(" (clamped to the pixel range), ");
        for (String a : r.attacks()) {
            b.append(esc(a)).append(", ");
        }
        b.append("diffusion variance and diffusion squared error (colour maps, dark = 0, bright = the panel's")
                .append(" maximum).</p>\n");
        int plane = r.channels() * r.height() * r.width();
        for (Level l : r.levels()) {
            int m = l.panelImages();
            int cols = l.panels().size() + 1;
            int w = r.width();
            int h = r.height();
            BufferedImage img = new BufferedImage(cols * (w + 2) + 2, m * (h + 2) + 2, BufferedImage.TYPE_INT_RGB);
            for (int c = 0; c < cols; c++) {
                boolean var = c == cols - 2;
                boolean err = c == cols - 1;
                float[] src = err ? l.imageErrorMaps() : l.panels().get(c);
                for (int i = 0; i < m; i++) {
                    float[] one = new float[plane];
                    System.arraycopy(src, i * plane, one, 0, plane);
                    BufferedImage tile = var || err ? colourMap(one, r.height(), r.width(), max(one))
                            : ImageGrid.render(one, 1, r.channels(), h, w, 1, 0);
                    paste(img, tile, 2 + c * (w + 2), 2 + i * (h + 2));
                }
            }
            b.append("<figure><img alt=\"reconstructions at ε = ").append(esc(epsLabel(l.epsilon()))).append("\" src=\"")
                    .append(PngDataUri.of(zoom(img))).append("\"><figcaption>ε = ").append(esc(epsLabel(l.epsilon())))
                    .append(", σ_eff = ").append(String.format(Locale.ROOT, "%.3g", l.noiseStd()))
                    .append("</figcaption></figure>\n");
        }
        b.append("</section>\n");
    }

    private static void heatmaps(StringBuilder b, ReconstructionResults r) {
        b.append("<section>\n<h2>Leakage heatmaps (averaged over all images)</h2>\n<p class=\"note\">Per-pixel")
                .append(" squared error of each attack and the diffusion runs' per-pixel variance; one colour scale per")
                .append(" row (dark = 0, bright = the row's maximum, given in the caption). Dark error means the")
                .append(" attacker gets that pixel right.</p>\n");
        for (Level l : r.levels()) {
            List<float[]> maps = new ArrayList<>(l.errorMaps());
            maps.add(l.varianceMap());
            double top = 0;
            for (float[] map : maps) {
                top = Math.max(top, max(map));
            }
            StringBuilder names = new StringBuilder();
            for (String a : r.attacks()) {
                names.append(a).append(" error, ");
            }
            b.append("<figure>");
            for (float[] map : maps) {
                b.append("<img alt=\"heatmap\" src=\"").append(PngDataUri.of(zoom(colourMap(map, r.height(), r.width(), top))))
                        .append("\"> ");
            }
            b.append("<figcaption>ε = ").append(esc(epsLabel(l.epsilon()))).append(": ").append(esc(names.toString()))
                    .append("diffusion variance; max ").append(String.format(Locale.ROOT, "%.3g", top))
                    .append("</figcaption></figure>\n");
        }
        b.append("</section>\n");
    }

    private static double max(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** The first channel's map, linearly from 0 to max along the colour ramp. */
    static BufferedImage colourMap(float[] map, int height, int width, double max) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double f = max > 0 ? Math.max(0, Math.min(1, map[y * width + x] / max)) : 0;
                double pos = f * (RAMP.length - 1);
                int k = Math.min(RAMP.length - 2, (int) pos);
                double u = pos - k;
                int rgb = 0;
                for (int ch = 0; ch < 3; ch++) {
                    int v = (int) Math.round(RAMP[k][ch] + u * (RAMP[k + 1][ch] - RAMP[k][ch]));
                    rgb = (rgb << 8) | v;
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static void paste(BufferedImage dst, BufferedImage src, int ox, int oy) {
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                dst.setRGB(ox + x, oy + y, src.getRGB(x, y));
            }
        }
    }

    private static BufferedImage zoom(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth() * ZOOM, src.getHeight() * ZOOM, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, src.getRGB(x / ZOOM, y / ZOOM));
            }
        }
        return out;
    }
}
