package org.diffleak.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.data.DataException;
import org.diffleak.core.util.Json;

/** A training job as written in a YAML file under configs/: data, splits, model, schedule, recipe. */
public record JobConfig(String name, DataConfig data, SplitConfig splits, UNetConfig model, ScheduleConfig schedule,
        TrainConfig train) {

    /** Reads a YAML job file; unknown keys and bad values give one line naming the file. */
    public static JobConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such config file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A preset shipped inside the jar (configs/NAME.yaml). */
    public static JobConfig preset(String name) {
        try (InputStream in = JobConfig.class.getResourceAsStream("/configs/" + name + ".yaml")) {
            if (in == null) {
                throw new DataException("no preset named '" + name + "' (known: tiny, base)");
            }
            return parse(in, "preset " + name);
        } catch (IOException e) {
            throw new DataException("preset " + name + ": " + e.getMessage(), e);
        }
    }

    static JobConfig parse(InputStream in, String source) throws IOException {
        JobConfig c = Json.readYaml(in, JobConfig.class, source);
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
