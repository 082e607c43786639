package org.diffleak.core.audit;

import java.util.List;

/**
 * Raw signals of one attack setting on every model of an audit: rows [candidates][features], members
 * first, then non-members, for the target and each shadow.
 *
 * @param family the attack family: loss, pia, pian, secmi, sima, reconstruction or generation
 * @param name the attack: loss, PIA, PIAN, SecMI, SimA, img2img (black-box reconstruction) or label-only generation
 * @param access "gray-box" (queries ε_θ(x_t, t)) or "black-box" (queries images only)
 * @param labels the labels a black-box attack got: "true", "predicted", or null where none are used
 * @param featureNames column names of the rows
 */
public record Signal(String family, String name, String access, String labels, List<String> featureNames,
        double[][] target, List<double[][]> shadows) {

    public Signal {
        featureNames = List.copyOf(featureNames);
        shadows = shadows == null ? List.of() : List.copyOf(shadows);
    }

    /** The same setting without rows (a template to fill). */
    public static Signal template(String family, String name, String access, String labels, List<String> featureNames) {
        return new Signal(family, name, access, labels, featureNames, null, List.of());
    }

    public Signal withRows(double[][] targetRows, List<double[][]> shadowRows) {
        return new Signal(family, name, access, labels, featureNames, targetRows, shadowRows);
    }

    /** What the attacker knows beyond its access: the candidates' labels (true or predicted) for black-box attacks. */
    public String scenario() {
        if (access.equals("gray-box")) {
            return "ε_θ(x_t, t) queries";
        }
        return labels == null ? "no labels" : labels + " labels";
    }
}
