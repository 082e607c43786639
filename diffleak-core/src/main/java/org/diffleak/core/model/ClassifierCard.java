package org.diffleak.core.model;

import org.diffleak.core.config.CnnConfig;

/**
 * What a saved CNN classifier is: its architecture, how far it trained and on what. Written as
 * classifier.json beside the weights.
 *
 * @param finalLoss cross-entropy of the last training batch
 */
public record ClassifierCard(CnnConfig cnn, long steps, double finalLoss, String dataset) {}
