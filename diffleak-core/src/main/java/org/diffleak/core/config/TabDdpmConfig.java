package org.diffleak.core.config;

import java.util.List;

/**
 * Architecture and schedule of a TabDDPM model (Kotelnikov et al., ICML 2023): an MLP denoiser whose input
 * is projected to timeDim and added to the embedded timestep, then hidden ReLU layers, then a linear head
 * back to the input width. TabDDPM's defaults are T = 1000, a cosine schedule and timeDim = 128 with
 * hidden layers of 256–1024 units; {@link #small()} keeps two layers of 256 for 2-core machines.
 *
 * @param hidden widths of the hidden layers
 * @param timeDim width of the sinusoidal timestep embedding and of the input projection
 * @param schedule the noise schedule shared by the Gaussian and multinomial parts
 */
public record TabDdpmConfig(List<Integer> hidden, int timeDim, ScheduleConfig schedule) {

    public TabDdpmConfig {
        hidden = List.copyOf(hidden);
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("the denoiser needs at least one hidden layer of ≥ 1 unit, got " + hidden);
        }
        if (timeDim < 2 || timeDim % 2 != 0) {
            throw new IllegalArgumentException("the timestep embedding width must be even and ≥ 2, got " + timeDim);
        }
    }

    /** Two hidden layers of 256, timeDim 128, cosine schedule with T = 1000. */
    public static TabDdpmConfig small() {
        return new TabDdpmConfig(List.of(256, 256), 128, new ScheduleConfig("cosine", 1000, 1e-4, 0.02));
    }
}
