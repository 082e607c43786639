package org.diffleak.core.model;

/** The privacy guarantee of a DP-SGD-trained model, as written into its card. */
public record PrivacySpent(String accountant, double epsilon, double delta, double noiseMultiplier, double clip,
        double sampleRate, long steps, boolean secureRng) {}
