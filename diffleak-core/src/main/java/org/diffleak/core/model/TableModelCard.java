package org.diffleak.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.table.TableEncoding;

/**
 * What a saved tabular diffusion model is: architecture, schedule, the column encoding fitted on its
 * training rows (which decodes its samples), its data, how far it trained and with which software. Written
 * as table-model.json beside the weights.
 *
 * @param kind "tabddpm"
 * @param trainRows rows it trained on
 * @param privacy the DP-SGD guarantee, or null for a non-private model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableModelCard(
        String kind,
        TabDdpmConfig model,
        TrainConfig train,
        TableEncoding encoding,
        String dataset,
        int trainRows,
        long step,
        double finalLoss,
        Map<String, String> provenance,
        PrivacySpent privacy) {

    public TableModelCard withStep(long newStep, double loss) {
        return new TableModelCard(kind, model, train, encoding, dataset, trainRows, newStep, loss, provenance, privacy);
    }

    /** The same card with the DP-SGD guarantee the run spent (null: none). */
    public TableModelCard withPrivacy(PrivacySpent spent) {
        return new TableModelCard(kind, model, train, encoding, dataset, trainRows, step, finalLoss, provenance, spent);
    }
}
