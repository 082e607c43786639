package org.diffleak.torch.audit;

import java.util.List;
import org.diffleak.core.membership.blackbox.GenerationAttack;
import org.diffleak.core.membership.blackbox.ReconstructionAttack;
import org.diffleak.core.membership.blackbox.Similarity;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.membership.LossAttack;
import org.diffleak.torch.membership.MembershipAttack;
import org.diffleak.torch.membership.PiaAttack;
import org.diffleak.torch.membership.SecMiAttack;
import org.diffleak.torch.membership.SimaAttack;
import org.diffleak.torch.diffusion.Denoiser;

/** One attack family's raw signal rows [candidate][feature] on one model, as both audits compute them. */
final class AttackSignals {

    private AttackSignals() {}

    /** The configured parameters of an attack family: with the model and candidates, its signals' cache key. */
    static Object settings(String family, AuditConfig.AttackSettings a) {
        return switch (family) {
            case "loss" -> a.loss();
            case "pia" -> a.pia();
            case "pian" -> a.pian();
            case "secmi" -> a.secmi();
            case "sima" -> a.sima();
            case "reconstruction" -> a.reconstruction();
            case "generation" -> a.generation();
            default -> throw new IllegalStateException(family);
        };
    }

    /**
     * @param denoiser the model for gray-box families (null when only black-box access is given)
     * @param bb the model as a black box, for reconstruction and generation
     * @param labels the candidates' labels for a class-conditional black box, else null
     * @param seed seed of the family's noise
     */
    static double[][] compute(String family, AuditConfig.AttackSettings a, long seed, Denoiser denoiser,
            BlackBoxTarget bb, ImageDataset cands, int[] labels, Similarity similarity, ProgressListener p) {
        return switch (family) {
            case "loss" -> column(new LossAttack(a.loss().t(), a.loss().repeats(), seed, a.batch()), denoiser, cands, p);
            case "pia" -> column(new PiaAttack(a.pia().t(), 4, false, a.batch()), denoiser, cands, p);
            case "pian" -> column(new PiaAttack(a.pian().t(), 4, true, a.batch()), denoiser, cands, p);
            case "secmi" -> column(new SecMiAttack(a.secmi().t(), a.secmi().stride(), a.batch()), denoiser, cands, p);
            case "sima" -> sima(a.sima(), a.batch(), denoiser, cands, p);
            case "reconstruction" -> new ReconstructionAttack(a.reconstruction().strength(), a.reconstruction().steps(),
                    a.reconstruction().noisings(), seed, a.batch()).features(bb, cands, labels, similarity, p);
            case "generation" -> new GenerationAttack(a.generation().generations(), a.generation().steps(), seed,
                    a.batch()).features(bb, cands, labels, similarity, p);
            default -> throw new IllegalStateException(family);
        };
    }

    /** One column per timestep of {@link AuditConfig.Sima#timesteps()}. */
    private static double[][] sima(AuditConfig.Sima sima, int batch, Denoiser denoiser, ImageDataset cands,
            ProgressListener p) {
        List<Integer> ts = sima.timesteps();
        double[][] rows = new double[cands.size()][ts.size()];
        for (int j = 0; j < ts.size(); j++) {
            double[] s = new SimaAttack(ts.get(j), batch, SimaAttack.Statistic.parse(sima.statistic()))
                    .score(denoiser, cands, p);
            for (int i = 0; i < s.length; i++) {
                rows[i][j] = s[i];
            }
        }
        return rows;
    }

    private static double[][] column(MembershipAttack attack, Denoiser target, ImageDataset cands, ProgressListener p) {
        double[] s = attack.score(target, cands, p);
        double[][] rows = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            rows[i] = new double[] {s[i]};
        }
        return rows;
    }
}
