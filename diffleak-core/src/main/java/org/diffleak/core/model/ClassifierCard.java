package org.diffleak.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.diffleak.core.config.CnnConfig;

/**
 * What a saved CNN classifier is: its architecture, how far it trained and on what. Written as
 * classifier.json beside the weights.
 *
 * @param steps optimizer steps taken (a DP-SGD run stops early at its budget)
 * @param finalLoss cross-entropy of the last training batch
 * @param privacy the DP-SGD guarantee, or null for a non-private classifier
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassifierCard(CnnConfig cnn, long steps, double finalLoss, String dataset, PrivacySpent privacy) {}
