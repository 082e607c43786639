package org.diffleak.torch.membership;

import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.diffusion.Denoiser;

/**
 * A membership inference attack: one score per candidate image, higher = more likely a member. The
 * target is passed in and never owned; every random draw comes from the attack's own seed, per image, so
 * a candidate's score does not depend on its batch or position.
 */
public interface MembershipAttack {

    String name();

    /** Scores of the candidates (pixels in [0, 1]) in their order. */
    double[] score(Denoiser target, ImageDataset candidates, ProgressListener progress);
}
