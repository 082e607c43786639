package org.diffleak.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** A tiny image folder for audits: 16×16 grey PNGs in two class folders, a bright square in the upper or lower half. */
public final class SquareImages {

    private SquareImages() {}

    /** Writes perClass noisy images into dir/class0 and dir/class1 (seeded: the same files every time). */
    public static Path write(Path dir, int perClass) throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        for (int k = 0; k < 2; k++) {
            Path cls = dir.resolve("class" + k);
            Files.createDirectories(cls);
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                int ox = r.nextInt(10);
                int oy = k * 8 + r.nextInt(3);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        boolean on = x >= ox && x < ox + 5 && y >= oy && y < oy + 5;
                        img.getRaster().setSample(x, y, 0, Math.min(255, (on ? 200 : 0) + r.nextInt(40)));
                    }
                }
                ImageIO.write(img, "png", cls.resolve(String.format("img%03d.png", i)).toFile());
            }
        }
        return dir;
    }
}
