package org.diffleak.core.data;

/** Sizes of the membership splits drawn from the training images; the rest is public. */
public record SplitConfig(int members, int nonMembers, int auxiliary, long seed) {}
