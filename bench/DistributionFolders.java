import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageOutputStream;
import org.diffleak.core.data.IdxReader;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.Json;

/**
 * Candidate folders for bench/distribution-check: OUT/members (the first N training images models/base was trained
 * on, its publicIdx), OUT/held-out (the first N Fashion-MNIST test images, PNG) and OUT/held-out-jpeg (the same N
 * stored as JPEG at quality 0.9) and OUT/held-out-mixed (the even-numbered ones as PNG, the odd-numbered as JPEG).
 * Run with the CLI jar on the class path: java -cp JAR DistributionFolders.java OUT N.
 */
public class DistributionFolders {

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        JsonNode publicIdx = Json.MAPPER.readTree(Path.of("models/base/splits.json").toFile()).path("publicIdx");
        ImageDataset train = IdxReader.readFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR, true);
        ImageDataset test = IdxReader.readFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR, false);
        for (int i = 0; i < n; i++) {
            write(train, publicIdx.get(i).asInt(), out.resolve("members"), -1);
            write(test, i, out.resolve("held-out"), -1);
            write(test, i, out.resolve("held-out-jpeg"), 0.9f);
            write(test, i, out.resolve("held-out-mixed"), i % 2 == 0 ? -1 : 0.9f);
        }
    }

    /** Image i as an 8-bit grey PNG, or a JPEG at quality when quality ≥ 0. */
    static void write(ImageDataset d, int i, Path dir, float quality) throws IOException {
        Files.createDirectories(dir);
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 784; p++) {
            img.getRaster().setSample(p % 28, p / 28, 0, Math.round(255 * d.pixels()[i * 784 + p]));
        }
        String name = String.format("%s-%05d", d.name(), i);
        if (quality < 0) {
            ImageIO.write(img, "png", dir.resolve(name + ".png").toFile());
            return;
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        Path f = dir.resolve(name + ".jpg");
        Files.deleteIfExists(f);
        try (FileImageOutputStream s = new FileImageOutputStream(f.toFile())) {
            w.setOutput(s);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }
}
