package org.diffleak.core.data;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.data.DataConfig;
import org.diffleak.core.data.SplitConfig;
import org.diffleak.core.io.DataException;

/** Turns a {@link DataConfig} into images, fetching the dataset through the package manager if absent. */
public final class Datasets {

    private Datasets() {}

    /** All training images of the configured dataset. */
    public static ImageDataset load(DataConfig c, PrintWriter log) {
        return switch (c.dataset()) {
            case "fashion-mnist" -> {
                Path dir = c.path() != null ? Path.of(c.path())
                        : IdxReader.hasFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR)
                                ? IdxReader.DEFAULT_FASHION_MNIST_DIR
                                : DataFetcher.fetch("fashion-mnist", DataFetcher.defaultCacheDir(), log);
                yield IdxReader.readFashionMnist(dir, true);
            }
            case "mnist" -> MnistJsonReader.read(c.path() != null ? Path.of(c.path())
                    : DataFetcher.fetch("mnist", DataFetcher.defaultCacheDir(), log));
            case "folder" -> {
                if (c.path() == null || !Files.isDirectory(Path.of(c.path()))) {
                    throw new DataException("data.path must name an image folder, got " + c.path());
                }
                yield ImageFolderReader.read(Path.of(c.path()), c.channels(), c.size(),
                        c.attributes() == null ? null : Path.of(c.attributes()));
            }
            default -> throw new DataException("unknown dataset '" + c.dataset() + "' (fashion-mnist, mnist, folder)");
        };
    }

    /** The seeded membership splits of a dataset of this size. */
    public static Splits splits(SplitConfig s, int datasetSize) {
        return Splits.create(datasetSize, s.members(), s.nonMembers(), s.auxiliary(), s.seed());
    }

    /** The configured split's images, capped at the configured limit. */
    public static ImageDataset select(ImageDataset all, Splits splits, DataConfig c) {
        int[] idx = c.split().equals("all") ? java.util.stream.IntStream.range(0, all.size()).toArray()
                : splits.byName(c.split());
        if (c.limit() > 0 && c.limit() < idx.length) {
            idx = java.util.Arrays.copyOf(idx, c.limit());
        }
        return all.subset(idx, all.name() + ":" + c.split());
    }
}
