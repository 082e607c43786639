package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.coord;
import static org.diffleak.core.report.Fmt.esc;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A 2-D plot as inline SVG: a title wrapped to the plot's width, a frame with grid, ticks and axis titles, then
 * lines and step areas, and a legend below the frame (never over the data). Data outside an axis range is drawn
 * on the frame's edge.
 */
final class SvgPlot {

    private static final int LEFT = 62;
    private static final int RIGHT = 18;
    private static final int BOTTOM = 48;
    /** Width of an 11 px character (legend, ticks) and of a 13 px bold one (title), generous for system fonts. */
    private static final double CHAR_WIDTH = 6.4;
    private static final double TITLE_CHAR_WIDTH = 7.8;
    private static final int TITLE_LINE = 17;
    private static final int LEGEND_LINE = 18;

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

        /**
         * A log10 axis over [min, max], labelled at each decade inside it and, where min is no decade and lies
         * at least a third of a decade below the first one, at min itself (e.g. 0.02 = 1/50).
         */
        static Axis log(String title, double min, double max) {
            List<Tick> ticks = new ArrayList<>();
            List<Double> minor = new ArrayList<>();
            double lmin = Math.log10(min);
            if (lmin - Math.floor(lmin) > 1e-9 && Math.ceil(lmin) - lmin > 1.0 / 3) {
                ticks.add(new Tick(min, new BigDecimal(min).round(new MathContext(2)).stripTrailingZeros()
                        .toPlainString()));
            }
            for (int k = (int) Math.floor(lmin + 1e-9); k <= Math.round(Math.log10(max)); k++) {
                double v = Math.pow(10, k);
                if (v >= min * (1 - 1e-9)) {
                    ticks.add(new Tick(v, k >= 0 ? String.format(Locale.ROOT, "%.0f", v)
                            : k >= -4 ? String.format(Locale.ROOT, "%." + -k + "f", v) : "1e" + k));
                }
                for (int m = 2; m <= 9 && m * v < max; m++) {
                    if (m * v > min) {
                        minor.add(m * v);
                    }
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

    private final String cssClass;
    private final String title;
    private final List<String> titleLines;
    private final int top;
    private final int frameWidth;
    private final int frameHeight;
    private final Axis x;
    private final Axis y;
    private final StringBuilder body = new StringBuilder();
    private List<Legend> legend = List.of();

    /**
     * @param cssClass classes of the svg element after "plot", e.g. "roc"
     * @param title shown above the frame
     */
    SvgPlot(String cssClass, String title, int frameWidth, int frameHeight, Axis x, Axis y) {
        this.cssClass = cssClass;
        this.title = title;
        this.titleLines = wrap(title, (int) ((frameWidth + RIGHT) / TITLE_CHAR_WIDTH));
        this.top = 14 + TITLE_LINE * titleLines.size();
        this.frameWidth = frameWidth;
        this.frameHeight = frameHeight;
        this.x = x;
        this.y = y;
        frame();
    }

    /** Words in lines of at most `width` characters; a longer word gets a line of its own. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    double sx(double v) {
        return LEFT + x.fraction(v) * frameWidth;
    }

    double sy(double v) {
        return top + (1 - y.fraction(v)) * frameHeight;
    }

    private void frame() {
        body.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"")
                .append(frameWidth).append("\" height=\"").append(frameHeight).append("\"/>\n");
        for (double v : x.minor()) {
            gridLine(sx(v), top, sx(v), top + frameHeight, "grid minor");
        }
        for (double v : y.minor()) {
            gridLine(LEFT, sy(v), LEFT + frameWidth, sy(v), "grid minor");
        }
        for (Tick t : x.ticks()) {
            double p = sx(t.value());
            gridLine(p, top, p, top + frameHeight, "grid");
            body.append("<text class=\"tick\" x=\"").append(coord(p)).append("\" y=\"").append(top + frameHeight + 16)
                    .append("\" text-anchor=\"middle\">").append(esc(t.text())).append("</text>\n");
        }
        for (Tick t : y.ticks()) {
            double p = sy(t.value());
            gridLine(LEFT, p, LEFT + frameWidth, p, "grid");
            body.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(coord(p + 4))
                    .append("\" text-anchor=\"end\">").append(esc(t.text())).append("</text>\n");
        }
        body.append("<text class=\"axis-title\" x=\"").append(coord(LEFT + frameWidth / 2.0)).append("\" y=\"")
                .append(top + frameHeight + 38).append("\" text-anchor=\"middle\">").append(esc(x.title()))
                .append("</text>\n");
        double cy = top + frameHeight / 2.0;
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

    /** A vertical interval [low, high] at x, with short caps (a bootstrap interval on a line's point). */
    SvgPlot interval(double xv, double low, double high, String color) {
        if (Double.isNaN(xv) || Double.isNaN(low) || Double.isNaN(high)) {
            return this;
        }
        double px = sx(xv);
        String c = "\" stroke=\"" + color + "\"/>\n";
        body.append("<line class=\"interval\" x1=\"").append(coord(px)).append("\" y1=\"").append(coord(sy(low)))
                .append("\" x2=\"").append(coord(px)).append("\" y2=\"").append(coord(sy(high))).append(c);
        for (double v : new double[] {low, high}) {
            body.append("<line class=\"interval\" x1=\"").append(coord(px - 3)).append("\" y1=\"")
                    .append(coord(sy(v))).append("\" x2=\"").append(coord(px + 3)).append("\" y2=\"")
                    .append(coord(sy(v))).append(c);
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

    /** The legend, drawn below the frame and its axis title, one entry a line. */
    SvgPlot legend(List<Legend> entries) {
        legend = List.copyOf(entries);
        return this;
    }

    String render() {
        int longest = legend.stream().mapToInt(e -> e.text().length()).max().orElse(0);
        int w = (int) Math.ceil(Math.max(LEFT + frameWidth + RIGHT, LEFT + 30 + longest * CHAR_WIDTH + 8));
        int legendTop = top + frameHeight + BOTTOM;
        int h = legendTop + (legend.isEmpty() ? 0 : 6 + LEGEND_LINE * legend.size());
        StringBuilder svg = new StringBuilder("<svg class=\"plot ").append(esc(cssClass)).append("\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n<text class=\"title\">");
        for (int i = 0; i < titleLines.size(); i++) {
            svg.append("<tspan x=\"").append(LEFT).append("\" y=\"").append(20 + TITLE_LINE * i).append("\">")
                    .append(esc(titleLines.get(i))).append("</tspan>");
        }
        svg.append("</text>\n").append(body);
        if (!legend.isEmpty()) {
            svg.append("<g class=\"legend\">\n");
            for (int i = 0; i < legend.size(); i++) {
                Legend e = legend.get(i);
                double cy = legendTop + 12 + LEGEND_LINE * i;
                if (e.area()) {
                    svg.append("<rect class=\"swatch\" x=\"").append(LEFT).append("\" y=\"").append(coord(cy - 5))
                            .append("\" width=\"16\" height=\"10\" fill=\"").append(e.color()).append("\" stroke=\"")
                            .append(e.color()).append("\"/>\n");
                } else {
                    svg.append("<line class=\"swatch\" x1=\"").append(LEFT).append("\" y1=\"").append(coord(cy))
                            .append("\" x2=\"").append(LEFT + 16).append("\" y2=\"").append(coord(cy))
                            .append("\" stroke=\"").append(e.color()).append("\"/>\n");
                }
                svg.append("<text x=\"").append(LEFT + 22).append("\" y=\"").append(coord(cy + 4)).append("\">")
                        .append(esc(e.text())).append("</text>\n");
            }
            svg.append("</g>\n");
        }
        return svg.append("</svg>\n").toString();
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
