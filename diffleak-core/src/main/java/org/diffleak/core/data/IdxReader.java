package org.diffleak.core.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.diffleak.core.io.DataException;

/** Reads IDX image and label files (MNIST / Fashion-MNIST layout), gzipped or plain. */
public final class IdxReader {

    public static final Path DEFAULT_FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Unsigned bytes, 3 dimensions (count, rows, columns). */
    private static final int IMAGE_MAGIC = 0x00000803;
    /** Unsigned bytes, 1 dimension (count). */
    private static final int LABEL_MAGIC = 0x00000801;
    private static final int BUFFER = 1 << 16;

    private IdxReader() {}

    /** Reads count×1×rows×columns images (pixels / 255) and their labels. */
    public static ImageDataset read(Path images, Path labels, String name) {
        try (IdxStream img = new IdxStream(images, IMAGE_MAGIC, "image", 3);
                IdxStream lab = new IdxStream(labels, LABEL_MAGIC, "label", 1)) {
            int n = img.dims[0];
            int rows = img.dims[1];
            int cols = img.dims[2];
            if (lab.dims[0] != n) {
                throw new DataException(images + ": " + n + " images but " + labels + " has " + lab.dims[0] + " labels");
            }
            long total = (long) n * rows * cols;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(images + ": " + n + " images of " + rows + "x" + cols + " are too many to hold");
            }
            float[] pixels = img.readPixels((int) total);
            int[] lb = lab.readLabels(n);
            return ImageDataset.of(name, 1, rows, cols, pixels, lb);
        }
    }

    /** The Fashion-MNIST training (60000) or test (10000) split from a directory of IDX files. */
    public static ImageDataset readFashionMnist(Path dir, boolean train) {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            throw new DataException(dir + ": no Fashion-MNIST " + (train ? "training" : "test") + " files ("
                    + prefix + "-images-idx3-ubyte[.gz], " + prefix + "-labels-idx1-ubyte[.gz]); run "
                    + "`diffleak data fetch fashion-mnist` (or: apt-get install dataset-fashion-mnist)");
        }
        return read(images, labels, train ? "fashion-mnist-train" : "fashion-mnist-test");
    }

    /** Whether dir holds both Fashion-MNIST splits. */
    public static boolean hasFashionMnist(Path dir) {
        return find(dir, "train-images-idx3-ubyte") != null && find(dir, "train-labels-idx1-ubyte") != null
                && find(dir, "t10k-images-idx3-ubyte") != null && find(dir, "t10k-labels-idx1-ubyte") != null;
    }

    private static Path find(Path dir, String base) {
        for (Path p : List.of(dir.resolve(base + ".gz"), dir.resolve(base))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** One open IDX file past its header; every I/O failure becomes a DataException naming the file. */
    private static final class IdxStream implements Closeable {
        final Path path;
        final DataInputStream in;
        final int[] dims;

        IdxStream(Path path, int magic, String kind, int rank) {
            this.path = path;
            try {
                this.in = new DataInputStream(open(path));
            } catch (NoSuchFileException e) {
                throw new DataException(path + ": no such file", e);
            } catch (IOException e) {
                throw fail(e);
            }
            try {
                int m = in.readInt();
                if (m != magic) {
                    throw new DataException(String.format("%s: not an IDX %s file (magic 0x%08x)", path, kind, m));
                }
                dims = new int[rank];
                for (int i = 0; i < rank; i++) {
                    dims[i] = in.readInt();
                    if (dims[i] < (i == 0 ? 0 : 1)) {
                        throw new DataException(path + ": bad IDX dimension " + i + " = " + dims[i]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e instanceof IOException io ? fail(io) : (RuntimeException) e;
            }
        }

        private static InputStream open(Path path) throws IOException {
            BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(path), BUFFER);
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            return gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw;
        }

        float[] readPixels(int total) {
            float[] px = new float[total];
            byte[] buf = new byte[BUFFER];
            try {
                for (int done = 0; done < total; ) {
                    int len = Math.min(buf.length, total - done);
                    in.readFully(buf, 0, len);
                    for (int i = 0; i < len; i++) {
                        px[done + i] = (buf[i] & 0xFF) / 255f;
                    }
                    done += len;
                }
            } catch (IOException e) {
                throw fail(e);
            }
            return px;
        }

        int[] readLabels(int n) {
            byte[] raw = new byte[n];
            try {
                in.readFully(raw);
            } catch (IOException e) {
                throw fail(e);
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        }

        private DataException fail(IOException e) {
            if (e instanceof EOFException) {
                String why = e.getMessage() == null ? "file ends early" : e.getMessage();
                return new DataException(path + ": truncated (" + why + ")", e);
            }
            if (e instanceof ZipException) {
                return new DataException(path + ": truncated or corrupt gzip data (" + e.getMessage() + ")", e);
            }
            return new DataException(path + ": " + e.getMessage(), e);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
    }
}
