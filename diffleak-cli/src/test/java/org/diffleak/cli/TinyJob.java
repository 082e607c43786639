package org.diffleak.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A tiny training job for CLI tests: 48 8×8 grayscale PNGs of a bright square and a YAML job over them, with
 * self-attention, whose scaled scores once read a freed operand (see engine.Scalar): the SIGKILL test compares
 * weights across two processes bit for bit.
 */
final class TinyJob {

    private TinyJob() {}

    /** Writes the images and job.yaml under dir; returns the job file. */
    static Path write(Path dir) throws IOException {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 48; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            int ox = r.nextInt(5);
            int oy = r.nextInt(5);
            for (int y = oy; y < oy + 3; y++) {
                for (int x = ox; x < ox + 3; x++) {
                    img.getRaster().setSample(x, y, 0, 255);
                }
            }
            ImageIO.write(img, "png", images.resolve(String.format("img%03d.png", i)).toFile());
        }
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, """
                name: cli-test
                data: {dataset: folder, path: %s, attributes: null, channels: 1, size: 8, split: all, limit: 0}
                splits: {members: 8, nonMembers: 8, auxiliary: 8, seed: 3}
                model: {channels: 1, imageSize: 8, baseWidth: 8, multipliers: [1, 2], resBlocks: 1,
                        attention: true, numClasses: 0, groups: 4}
                schedule: {kind: linear, steps: 1000, betaStart: 1.0e-4, betaEnd: 0.02}
                train: {steps: 6, batchSize: 8, learningRate: 2.0e-3, warmupSteps: 2, weightDecay: 0.0,
                        gradClip: 1.0, emaDecay: 0.9, labelDropout: 0.0, checkpointEvery: 2, seed: 5}
                """.formatted(images));
        return job;
    }
}
