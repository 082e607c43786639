package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.coord;
import static org.diffleak.core.report.Fmt.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A 2-D plot as inline SVG: a frame with grid, ticks and axis titles, then lines, step areas and a legend.
 * Data outside an axis range is drawn on the frame's edge.
 */
final class SvgPlot {

    private static final int LEFT = 62;
    private static final int RIGHT = 18;
    private static final int TOP = 34;
    private static final int BOTTOM = 48;
    private static final double CHAR_WIDTH = 6.4;

    /** A labelled tick on an axis. */
    record Tick(double value, String text) {}

    /** An axis: its title, range, scale and ticks; minor ticks get a faint grid line only. */
    record Axis(String title, double min, double max, boolean log, List<Tick> ticks, List<Double> minor) {

        /** A linear axis over [min, max] with ticks at 1, 2 or 5 × 10^k steps. */
        static Axis linear(String title, double min, double max) {
            double step = niceStep((max - min) / 5);
            List<Tick> ticks = new ArrayList<>();
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            for (double v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
                String text = String.format(Locale.ROOT, "%." + decimals + "f", v);
                ticks.add(new Tick(v, text.matches("-0(\\.0*)?") ? text.substring(1) : text));
            }
            return new Axis(title, min, max, false, ticks, List.of());
        }

        /** A linear axis widened to whole tick steps around [lo, hi]. */
        static Axis linearNice(String title, double lo, double hi) {
            if (!(hi > lo)) {
                double half = lo == 0 ? 0.5 : Math.abs(lo) * 0.1;
                lo -= half;
                hi += half;
            }
            double step = niceStep((hi - lo) / 5);
            return linear(title, Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step);
        }

        /** A log10 axis over [min, max] (powers of ten), labelled at each decade. */
        static Axis log(String title, double min, double max) {
            List<Tick> ticks = new ArrayList<>();
            List<Double> minor = new ArrayList<>();
            for (int k = (int) Math.round(Math.log10(min)); k <= Math.round(Math.log10(max)); k++) {
                double v = Math.pow(10, k);
                ticks.add(new Tick(v, k >= 0 ? String.format(Locale.ROOT, "%.0f", v)
                        : k >= -4 ? String.format(Locale.ROOT, "%." + -k + "f", v) : "1e" + k));
                for (int m = 2; m <= 9 && m * v < max; m++) {
                    minor.add(m * v);
                }
            }
            return new Axis(title, min, max, true, ticks, minor);
        }

        /** Categories at 0, 1, …, k−1. */
        static Axis categorical(String title, List<String> categories) {
            List<Tick> ticks = new ArrayList<>();
            for (int i = 0; i < categories.size(); i++) {
                ticks.add(new Tick(i, categories.get(i)));
            }
            return new Axis(title, -0.4, categories.size() - 0.6, false, ticks, List.of());
        }

        /** Where v lies along the axis, 0 at min and 1 at max, clamped. */
        double fraction(double v) {
            double f = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (v - min) / (max - min);
            return Double.isNaN(f) ? 0 : Math.max(0, Math.min(1, f));
        }
    }

    /** One legend line: a swatch (a line, or a filled box for areas) and its text. */
    record Legend(String text, String color, boolean area) {}

    /** Where the legend box sits inside the frame. */
    enum Corner { TOP_LEFT, TOP_RIGHT, BOTTOM_RIGHT }

    private final int frameWidth;
    private final int frameHeight;
    private final Axis x;
    private final Axis y;
    private final StringBuilder body = new StringBuilder();
    private final String open;

    /**
     * @param cssClass classes of the svg element after "plot", e.g. "roc"
     * @param title shown above the frame
     */
    SvgPlot(String cssClass, String title, int frameWidth, int frameHeight, Axis x, Axis y) {
        this.frameWidth = frameWidth;
        this.frameHeight = frameHeight;
        this.x = x;
        this.y = y;
        int w = LEFT + frameWidth + RIGHT;
        int h = TOP + frameHeight + BOTTOM;
        open = "<svg class=\"plot " + esc(cssClass) + "\" viewBox=\"0 0 " + w + " " + h + "\" width=\"" + w
                + "\" height=\"" + h + "\" role=\"img\" aria-label=\"" + esc(title) + "\">\n"
                + "<text class=\"title\" x=\"" + LEFT + "\" y=\"20\">" + esc(title) + "</text>\n";
        frame();
    }

    double sx(double v) {
        return LEFT + x.fraction(v) * frameWidth;
    }

    double sy(double v) {
        return TOP + (1 - y.fraction(v)) * frameHeight;
    }

    private void frame() {
        body.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(frameWidth).append("\" height=\"").append(frameHeight).append("\"/>\n");
        for (double v : x.minor()) {
            gridLine(sx(v), TOP, sx(v), TOP + frameHeight, "grid minor");
        }
        for (double v : y.minor()) {
            gridLine(LEFT, sy(v), LEFT + frameWidth, sy(v), "grid minor");
        }
        for (Tick t : x.ticks()) {
            double p = sx(t.value());
            gridLine(p, TOP, p, TOP + frameHeight, "grid");
            body.append("<text class=\"tick\" x=\"").append(coord(p)).append("\" y=\"").append(TOP + frameHeight + 16)
                    .append("\" text-anchor=\"middle\">").append(esc(t.text())).append("</text>\n");
        }
        for (Tick t : y.ticks()) {
            double p = sy(t.value());
            gridLine(LEFT, p, LEFT + frameWidth, p, "grid");
            body.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(coord(p + 4))
                    .append("\" text-anchor=\"end\">").append(esc(t.text())).append("</text>\n");
        }
        body.append("<text class=\"axis-title\" x=\"").append(coord(LEFT + frameWidth / 2.0)).append("\" y=\"")
                .append(TOP + frameHeight + 38).append("\" text-anchor=\"middle\">").append(esc(x.title()))
                .append("</text>\n");
        double cy = TOP + frameHeight / 2.0;
        body.append("<text class=\"axis-title\" x=\"16\" y=\"").append(coord(cy)).append("\" text-anchor=\"middle\"")
                .append(" transform=\"rotate(-90 16 ").append(coord(cy)).append(")\">").append(esc(y.title()))
                .append("</text>\n");
    }

    private void gridLine(double x1, double y1, double x2, double y2, String cls) {
        body.append("<line class=\"").append(cls).append("\" x1=\"").append(coord(x1)).append("\" y1=\"")
                .append(coord(y1)).append("\" x2=\"").append(coord(x2)).append("\" y2=\"").append(coord(y2))
                .append("\"/>\n");
    }

    /**
     * A polyline through (xs[i], ys[i]); a NaN breaks it into pieces.
     *
     * @param cssClass e.g. "curve" or "chance"
     * @param name written as data-name, for scripts that pick a series
     * @param markers a dot at each point as well
     */
    SvgPlot line(double[] xs, double[] ys, String color, String cssClass, String name, boolean markers) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i <= xs.length; i++) {
            boolean ok = i < xs.length && !Double.isNaN(xs[i]) && !Double.isNaN(ys[i]);
            if (ok) {
                pts.append(pts.isEmpty() ? "" : " ").append(coord(sx(xs[i]))).append(',').append(coord(sy(ys[i])));
                if (markers) {
                    body.append("<circle class=\"marker\" cx=\"").append(coord(sx(xs[i]))).append("\" cy=\"")
                            .append(coord(sy(ys[i]))).append("\" r=\"3.2\" fill=\"").append(color).append("\"/>\n");
                }
            } else if (!pts.isEmpty()) {
                body.append("<polyline class=\"").append(esc(cssClass)).append("\" data-name=\"").append(esc(name))
                        .append("\" stroke=\"").append(color).append("\" points=\"").append(pts).append("\"/>\n");
                pts.setLength(0);
            }
        }
        return this;
    }

    /** A filled step outline of a histogram: bin i spans [edges[i], edges[i+1]] at height heights[i]. */
    SvgPlot steps(double[] edges, double[] heights, String color, String name) {
        StringBuilder d = new StringBuilder("M").append(coord(sx(edges[0]))).append(',').append(coord(sy(0)));
        for (int i = 0; i < heights.length; i++) {
            d.append(" L").append(coord(sx(edges[i]))).append(',').append(coord(sy(heights[i])));
            d.append(" L").append(coord(sx(edges[i + 1]))).append(',').append(coord(sy(heights[i])));
        }
        d.append(" L").append(coord(sx(edges[heights.length]))).append(',').append(coord(sy(0))).append(" Z");
        body.append("<path class=\"bars\" data-name=\"").append(esc(name)).append("\" fill=\"").append(color)
                .append("\" stroke=\"").append(color).append("\" d=\"").append(d).append("\"/>\n");
        return this;
    }

    SvgPlot legend(List<Legend> entries, Corner corner) {
        if (entries.isEmpty()) {
            return this;
        }
        int longest = entries.stream().mapToInt(e -> e.text().length()).max().orElse(0);
        double w = Math.min(frameWidth - 16, 34 + longest * CHAR_WIDTH);
        double h = 8 + 18 * entries.size();
        double bx = corner == Corner.TOP_LEFT ? LEFT + 8 : LEFT + frameWidth - 8 - w;
        double by = corner == Corner.BOTTOM_RIGHT ? TOP + frameHeight - 8 - h : TOP + 8;
        body.append("<g class=\"legend\">\n<rect x=\"").append(coord(bx)).append("\" y=\"").append(coord(by))
                .append("\" width=\"").append(coord(w)).append("\" height=\"").append(coord(h))
                .append("\" rx=\"4\"/>\n");
        for (int i = 0; i < entries.size(); i++) {
            Legend e = entries.get(i);
            double cy = by + 13 + 18 * i;
            if (e.area()) {
                body.append("<rect class=\"swatch\" x=\"").append(coord(bx + 8)).append("\" y=\"").append(coord(cy - 5))
                        .append("\" width=\"16\" height=\"10\" fill=\"").append(e.color()).append("\" stroke=\"")
                        .append(e.color()).append("\"/>\n");
            } else {
                body.append("<line class=\"swatch\" x1=\"").append(coord(bx + 8)).append("\" y1=\"").append(coord(cy))
                        .append("\" x2=\"").append(coord(bx + 24)).append("\" y2=\"").append(coord(cy))
                        .append("\" stroke=\"").append(e.color()).append("\"/>\n");
            }
            body.append("<text x=\"").append(coord(bx + 30)).append("\" y=\"").append(coord(cy + 4)).append("\">")
                    .append(esc(e.text())).append("</text>\n");
        }
        body.append("</g>\n");
        return this;
    }

    String render() {
        return open + body + "</svg>\n";
    }

    /** 1, 2 or 5 × 10^k, the smallest at least raw. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        return (r <= 1 + 1e-9 ? 1 : r <= 2 + 1e-9 ? 2 : r <= 5 + 1e-9 ? 5 : 10) * mag;
    }
}
