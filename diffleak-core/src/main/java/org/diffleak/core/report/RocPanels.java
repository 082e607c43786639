package org.diffleak.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which attacks' ROC curves share a plot (small multiples): the gray-box attacks, then each black-box attack
 * family, at most {@link #PALETTE}'s size per plot, so no colour repeats within one plot however many attacks
 * run. An attack's colour is its place in its plot.
 */
record RocPanels(List<Panel> panels, List<String> colors) {

    /** Okabe–Ito's colour-blind-safe hues less yellow, which is too faint on white. */
    static final List<String> PALETTE = List.of("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
            "#000000");

    /** One plot: its title and the indices of its attacks. */
    record Panel(String title, List<Integer> attacks) {}

    static RocPanels of(List<AttackOutcome> attacks) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < attacks.size(); i++) {
            groups.computeIfAbsent(group(attacks.get(i)), g -> new ArrayList<>()).add(i);
        }
        List<Panel> panels = new ArrayList<>();
        String[] colors = new String[attacks.size()];
        groups.forEach((title, members) -> {
            int parts = (members.size() + PALETTE.size() - 1) / PALETTE.size();
            for (int p = 0; p < parts; p++) {
                List<Integer> part = members.subList(p * PALETTE.size(),
                        Math.min(members.size(), (p + 1) * PALETTE.size()));
                for (int j = 0; j < part.size(); j++) {
                    colors[part.get(j)] = PALETTE.get(j);
                }
                panels.add(new Panel(parts == 1 ? title : title + " (" + (p + 1) + " of " + parts + ")",
                        List.copyOf(part)));
            }
        });
        return new RocPanels(List.copyOf(panels), List.of(colors));
    }

    /** "gray-box attacks" for every attack that queries the noise prediction, else "black-box: NAME". */
    static String group(AttackOutcome a) {
        return a.access().equals("black-box") ? "black-box: " + a.name() : a.access() + " attacks";
    }
}
