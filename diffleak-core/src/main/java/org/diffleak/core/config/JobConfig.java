package org.diffleak.core.config;

import java.nio.file.Path;
import org.diffleak.core.data.DataConfig;
import org.diffleak.core.data.SplitConfig;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Json;

/** A training job as written in a YAML file under configs/: data, splits, model, schedule, recipe. */
public record JobConfig(String name, DataConfig data, SplitConfig splits, UNetConfig model, ScheduleConfig schedule,
        TrainConfig train) {

    /** Reads a YAML job file; unknown keys and bad values give one line naming the file. */
    public static JobConfig read(Path file) {
        return complete(Json.readYamlFile(file, JobConfig.class), file.toString());
    }

    /** A preset shipped inside the jar (configs/NAME.yaml). */
    public static JobConfig preset(String name) {
        return complete(Json.readYamlPreset(name + ".yaml", JobConfig.class, name, "tiny, base"), "preset " + name);
    }

    private static JobConfig complete(JobConfig c, String source) {
        if (c.data() == null || c.model() == null || c.schedule() == null || c.train() == null
                || c.splits() == null) {
            throw new DataException(source + ": a job needs data, splits, model, schedule and train sections");
        }
        return c;
    }

    public JobConfig withTrain(TrainConfig t) {
        return new JobConfig(name, data, splits, model, schedule, t);
    }

    public JobConfig withData(DataConfig d) {
        return new JobConfig(name, d, splits, model, schedule, train);
    }

    public JobConfig withModel(UNetConfig m) {
        return new JobConfig(name, data, splits, m, schedule, train);
    }
}
