package org.diffleak.core.model;

import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.ScheduleConfig;

/**
 * What a saved noise-aware property classifier is (written as noise-classifier.json beside its weights):
 * its architecture, the diffusion schedule whose x_t it was trained on, and the property it separates
 * (class 1 = has it).
 *
 * @param steps optimizer steps taken
 * @param finalLoss cross-entropy of the last training batch
 */
public record NoiseAwareClassifierCard(CnnConfig cnn, ScheduleConfig schedule, String property, long steps,
        double finalLoss, String dataset) {}
