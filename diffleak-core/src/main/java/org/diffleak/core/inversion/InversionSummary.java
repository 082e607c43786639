package org.diffleak.core.inversion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one (batch size, ε, prior) cell over its users: label-inference accuracy, attribute-
 * inference accuracy beside the coarse-group baseline (the mean over users of 1/|group|: guessing within
 * the known group) and the attribute classifier's accuracy on the users' real images (the ceiling a perfect
 * recovery would reach), the share of users whose recovered image is closest to their own batch beside the same
 * share for the users' real images (leave one out: how far the encoder tells the users apart), mean SSIM and
 * encoder cosine to the own batch (mean and max over its images), and mean seconds per attack.
 */
public record InversionSummary(int batchSize, double epsilon, String prior, int users, double labelAccuracy,
        double attributeAccuracy, double groupBaseline, double realImageAttributeAccuracy, double ownClosestRate,
        double realImageOwnClosestRate, double ssimMean, double ssimMax,
        double cosineMean, double cosineMax, double bestOtherCosineMean, double secondsPerAttack) {

    /** One summary per (batch size, ε, prior), in first-seen order. */
    public static List<InversionSummary> of(List<UserOutcome> outcomes) {
        Map<String, List<UserOutcome>> cells = new LinkedHashMap<>();
        for (UserOutcome o : outcomes) {
            cells.computeIfAbsent(o.batchSize() + "|" + o.epsilon() + "|" + o.prior(), k -> new ArrayList<>()).add(o);
        }
        List<InversionSummary> out = new ArrayList<>();
        for (List<UserOutcome> cell : cells.values()) {
            UserOutcome first = cell.get(0);
            int n = cell.size();
            double label = 0;
            double attr = 0;
            double base = 0;
            double real = 0;
            double own = 0;
            double realOwn = 0;
            double[] sims = new double[5];
            double secs = 0;
            for (UserOutcome o : cell) {
                label += o.labelCorrect() ? 1 : 0;
                attr += o.attributeCorrect() ? 1 : 0;
                base += 1.0 / FederatedSetting.categoriesOf(o.group()).length;
                real += o.realAttributeShare();
                own += o.similarity().ownClosest() ? 1 : 0;
                realOwn += o.realOwnClosestShare();
                sims[0] += o.similarity().ssimMean();
                sims[1] += o.similarity().ssimMax();
                sims[2] += o.similarity().cosineMean();
                sims[3] += o.similarity().cosineMax();
                sims[4] += o.similarity().bestOtherCosineMean();
                secs += o.seconds();
            }
            out.add(new InversionSummary(first.batchSize(), first.epsilon(), first.prior(), n, label / n, attr / n,
                    base / n, real / n, own / n, realOwn / n, sims[0] / n, sims[1] / n, sims[2] / n, sims[3] / n, sims[4] / n, secs / n));
        }
        return out;
    }
}
