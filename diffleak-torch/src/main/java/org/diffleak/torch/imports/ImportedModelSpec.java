package org.diffleak.torch.imports;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Json;

/**
 * What an imported model file does not say about itself, read from the JSON beside it with the same base
 * name (foo.pt → foo.json):
 *
 * <pre>{"channels": 1, "imageSize": 28, "numClasses": 0,
 *  "schedule": {"kind": "linear", "steps": 1000, "betaStart": 1e-4, "betaEnd": 0.02}}</pre>
 *
 * channels and imageSize are required; numClasses defaults to 0 (unconditional) and the schedule, or any
 * field of it, to DDPM's linear 1e-4 → 0.02, T = 1000. A class-conditional model takes labels
 * 0..numClasses, numClasses being the null (unconditional) label.
 */
public record ImportedModelSpec(int channels, int imageSize, int numClasses, ScheduleConfig schedule) {

    /** The spec file of a model file: same directory, same base name, extension .json. */
    public static Path specFile(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /** Reads and checks the spec beside `model`, filling in the defaults. */
    public static ImportedModelSpec forModel(Path model) {
        Path file = specFile(model);
        if (!Files.isRegularFile(file)) {
            throw new DataException(model + ": no spec " + file.getFileName() + " beside it; write one like"
                    + " {\"channels\": 1, \"imageSize\": 28} (optional: numClasses, schedule)");
        }
        ImportedModelSpec raw;
        try {
            raw = Json.MAPPER.readValue(file.toFile(), ImportedModelSpec.class);
        } catch (IOException e) {
            throw new DataException(file + ": corrupt model spec: " + Json.firstLine(e.getMessage()), e);
        }
        if (raw == null || raw.channels < 1 || raw.imageSize < 1 || raw.numClasses < 0) {
            throw new DataException(file + ": model spec needs channels ≥ 1, imageSize ≥ 1 and numClasses ≥ 0");
        }
        ImportedModelSpec spec = new ImportedModelSpec(raw.channels, raw.imageSize, raw.numClasses,
                withDefaults(raw.schedule));
        try {
            spec.schedule.build();
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": bad schedule: " + e.getMessage(), e);
        }
        return spec;
    }

    private static ScheduleConfig withDefaults(ScheduleConfig s) {
        ScheduleConfig d = ScheduleConfig.defaultLinear();
        if (s == null) {
            return d;
        }
        return new ScheduleConfig(s.kind() != null ? s.kind() : d.kind(), s.steps() != 0 ? s.steps() : d.steps(),
                s.betaStart() != 0 ? s.betaStart() : d.betaStart(), s.betaEnd() != 0 ? s.betaEnd() : d.betaEnd());
    }

    NoiseSchedule buildSchedule() {
        return schedule.build();
    }

    /** Fails with a clear message unless xt is [N, channels, imageSize, imageSize]. */
    void requireInput(NDArray xt) {
        Shape s = xt.getShape();
        if (s.dimension() != 4 || s.get(1) != channels || s.get(2) != imageSize || s.get(3) != imageSize) {
            throw new IllegalArgumentException("x_t must be [N, " + channels + ", " + imageSize + ", " + imageSize
                    + "], got " + s);
        }
    }

    /** The labels input: null for an unconditional model, the null label for absent labels. */
    NDArray labelsFor(NDArray xt, NDArray labels) {
        if (numClasses == 0) {
            return null;
        }
        return labels != null ? labels
                : xt.getManager().full(new Shape(xt.getShape().get(0)), numClasses, DataType.INT64);
    }
}
