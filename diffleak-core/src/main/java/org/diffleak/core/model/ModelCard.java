package org.diffleak.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;

/**
 * What a saved model is: architecture, schedule, data, seeds, how far it trained and with which
 * software. Written as model.json beside the parameter file.
 *
 * @param kind "unet-denoiser" or "cnn-classifier"
 * @param parentModel the checkpoint this model was fine-tuned from, or null
 * @param provenance software versions, git revision, OS, created time
 * @param privacy the DP-SGD guarantee, or null for a non-private model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(
        String kind,
        UNetConfig unet,
        ScheduleConfig schedule,
        TrainConfig train,
        String dataset,
        String split,
        int trainImages,
        long step,
        double finalLoss,
        String parentModel,
        Map<String, String> provenance,
        PrivacySpent privacy) {

    public ModelCard withStep(long newStep, double loss) {
        return new ModelCard(kind, unet, schedule, train, dataset, split, trainImages, newStep, loss, parentModel,
                provenance, privacy);
    }

    public ModelCard withPrivacy(PrivacySpent spent) {
        return new ModelCard(kind, unet, schedule, train, dataset, split, trainImages, step, finalLoss, parentModel,
                provenance, spent);
    }
}
