package org.diffleak.core.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.MembershipMetrics.Interval;

/** Text for the page: HTML escaping and the number formats of the report, "—" for a missing value. */
final class Fmt {

    static final String MISSING = "—";

    private Fmt() {}

    /** Escapes text for HTML and SVG content and attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A fraction such as an AUC, to 3 decimals. */
    static String dec(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : MISSING;
    }

    /** A rate as a percentage: 1 decimal from 10%, else 2, so small TPRs keep their digits. */
    static String pct(double v) {
        if (!Double.isFinite(v)) {
            return MISSING;
        }
        double p = v * 100;
        return String.format(Locale.ROOT, Math.abs(p) >= 10 ? "%.1f%%" : "%.2f%%", p);
    }

    /** A false-positive rate as a short percentage: 0.001 → "0.1%", 0.01 → "1%". */
    static String fpr(double v) {
        return new BigDecimal(100 * v).round(new MathContext(3)).stripTrailingZeros().toPlainString() + "%";
    }

    static String ci(Interval i, boolean percent) {
        return "[" + (percent ? pct(i.low()) : dec(i.low())) + ", " + (percent ? pct(i.high()) : dec(i.high()))
                + "]";
    }

    /** The TPR at fpr as a percentage, or "not resolvable" where the non-members cannot resolve fpr. */
    static String tpr(MembershipMetrics m, double fpr) {
        return m.resolves(fpr) ? pct(fpr == MembershipMetrics.FPR_1PCT ? m.tprAt1PctFpr() : m.tprAt01PctFpr())
                : "not resolvable";
    }

    /** The TPR's interval, or how many non-members there are and how many fpr needs. */
    static String tprCi(MembershipMetrics m, double fpr) {
        if (!m.resolves(fpr)) {
            return "with " + m.nonMembers() + " non-members (needs ≥ " + MembershipMetrics.nonMembersToResolve(fpr)
                    + ")";
        }
        return ci(fpr == MembershipMetrics.FPR_1PCT ? m.tprAt1PctFprCi() : m.tprAt01PctFprCi(), true);
    }

    /** Seconds as s, or min s above two minutes. */
    static String seconds(double s) {
        if (!Double.isFinite(s)) {
            return MISSING;
        }
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long whole = Math.round(s);
        return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
    }

    /** A coordinate in SVG user units. */
    static String coord(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.equals("-0.00") ? "0.00" : s;
    }
}
