package org.diffleak.core.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.diffleak.core.io.CsvRows;
import org.diffleak.core.io.DataException;

/**
 * A model owner's candidate images (members or non-members) as given on the command line: a folder of
 * PNG/JPEG images (directly inside, or in subfolders named by class index 0, 1, ... for a class-conditional
 * model), or a text/CSV list with one image path per line and an optional class-index column ({@code
 * path,label}, read with {@link CsvRows}; paths relative to the list's folder; a header line naming {@code path}
 * and lines starting with # are skipped). Images are read as stored: every one must match the model's channels and size.
 *
 * @param images the pixels in [0, 1] and labels (−1 where none is given), in listing order
 * @param ids each image's path relative to the folder's parent, or as the list gives it (the id in scores.csv)
 * @param sha256 hex SHA-256 of the pixels and labels, for cache keys and the report
 */
public record CandidateImages(ImageDataset images, List<String> ids, String sha256) {

    public CandidateImages {
        ids = List.copyOf(ids);
        if (ids.size() != images.size()) {
            throw new IllegalArgumentException(ids.size() + " ids for " + images.size() + " images");
        }
    }

    public int size() {
        return images.size();
    }

    /** Reads a folder or list file; `what` names the set in errors (e.g. "--members"). */
    public static CandidateImages read(Path source, int channels, int size, String what) {
        return read(source, channels, size, size, false, what);
    }

    /**
     * Reads a folder or list file of channels×height×width images, for a target that takes any shape (a served
     * web API). Without resize every image must be stored at that shape (a one-line error names the first that
     * is not); with resize each is resized (antialiased bilinear) and converted (luma or replicated grey) to it.
     */
    public static CandidateImages read(Path source, int channels, int height, int width, boolean resize,
            String what) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        list(source, files, labels, what);
        // ids keep a folder's own name (members/x.png, held-out/x.png never collide); a list's paths stay as listed
        Path root = source.toAbsolutePath().getParent();
        int d = channels * height * width;
        float[] pixels = new float[files.size() * d];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (resize) {
                ImageFolderReader.loadResized(files.get(i), channels, height, width, pixels, i * d);
            } else if (height == width) {
                ImageFolderReader.loadExact(files.get(i), channels, height, pixels, i * d);
            } else {
                ImageFolderReader.loadExact(files.get(i), channels, height, width, pixels, i * d,
                        "the other candidates are");
            }
            ids.add(root.relativize(files.get(i).toAbsolutePath()).toString());
        }
        int[] lb = labels.stream().mapToInt(Integer::intValue).toArray();
        ImageDataset images = ImageDataset.of(source.toString(), channels, height, width, pixels, lb);
        return new CandidateImages(images, ids, sha256(pixels, lb));
    }

    /** The stored shape {channels, height, width} of the first image a folder or list file names. */
    public static int[] firstShape(Path source, String what) {
        List<Path> files = new ArrayList<>();
        list(source, files, new ArrayList<>(), what);
        return ImageFolderReader.storedShape(files.get(0));
    }

    /** The absolute path of candidate i's file, from the folder or list file `source` it was read from. */
    public Path file(Path source, int i) {
        return source.toAbsolutePath().getParent().resolve(ids.get(i)).normalize();
    }

    /** These images with other labels (the same pixels, ids and order). */
    public CandidateImages withLabels(int[] newLabels) {
        ImageDataset a = images;
        ImageDataset relabelled = ImageDataset.of(a.name(), a.channels(), a.height(), a.width(), a.pixels(),
                newLabels.clone());
        return new CandidateImages(relabelled, ids, sha256(a.pixels(), newLabels));
    }

    private static void list(Path source, List<Path> files, List<Integer> labels, String what) {
        if (!Files.exists(source)) {
            throw new DataException(what + " " + source + ": no such folder or list file");
        }
        if (Files.isDirectory(source)) {
            fromFolder(source, files, labels, what);
        } else {
            fromList(source, files, labels, what);
        }
    }

    /** These images followed by other's (members first, then non-members), with their ids. */
    public CandidateImages concat(CandidateImages other, String name) {
        ImageDataset a = images;
        ImageDataset b = other.images;
        b.requireShape(a.channels(), a.height(), a.width());
        float[] px = new float[a.pixels().length + b.pixels().length];
        System.arraycopy(a.pixels(), 0, px, 0, a.pixels().length);
        System.arraycopy(b.pixels(), 0, px, a.pixels().length, b.pixels().length);
        int[] lb = new int[a.size() + b.size()];
        System.arraycopy(a.labels(), 0, lb, 0, a.size());
        System.arraycopy(b.labels(), 0, lb, a.size(), b.size());
        List<String> all = new ArrayList<>(ids);
        all.addAll(other.ids);
        return new CandidateImages(ImageDataset.of(name, a.channels(), a.height(), a.width(), px, lb), all,
                sha256(px, lb));
    }

    /** The images at indices, in that order, with their ids. */
    public CandidateImages subset(int[] indices, String name) {
        ImageDataset sub = images.subset(indices, name);
        List<String> kept = new ArrayList<>();
        for (int i : indices) {
            kept.add(ids.get(i));
        }
        return new CandidateImages(sub, kept, sha256(sub.pixels(), sub.labels()));
    }

    /** Throws unless every image has a class index below classes (for a class-conditional model). */
    public void requireLabels(int classes, String what) {
        int[] lb = images.labels();
        for (int i = 0; i < lb.length; i++) {
            if (lb[i] < 0 || lb[i] >= classes) {
                throw new DataException(what + ": " + ids.get(i) + (lb[i] < 0 ? " has no class label" : " has class "
                        + lb[i]) + "; the model is class-conditional with " + classes + " classes (put images in"
                        + " subfolders 0.." + (classes - 1) + " or give a label column)");
            }
        }
    }

    private static void fromFolder(Path dir, List<Path> files, List<Integer> labels, String what) {
        List<Path> direct = ImageFolderReader.images(dir);
        if (!direct.isEmpty()) {
            files.addAll(direct);
            direct.forEach(f -> labels.add(-1));
            return;
        }
        List<Path> classes = ImageFolderReader.list(dir).stream().filter(Files::isDirectory).toList();
        if (classes.isEmpty()) {
            throw new DataException(what + " " + dir + ": no .png/.jpg/.jpeg images and no class subfolders");
        }
        for (Path c : classes) {
            int label = classIndex(c.getFileName().toString(), c.toString());
            for (Path f : ImageFolderReader.images(c)) {
                files.add(f);
                labels.add(label);
            }
        }
        if (files.isEmpty()) {
            throw new DataException(what + " " + dir + ": its class subfolders hold no .png/.jpg/.jpeg images");
        }
    }

    private static void fromList(Path list, List<Path> files, List<Integer> labels, String what) {
        String text;
        try {
            text = Files.readString(list, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(what + " " + list + ": cannot read (" + e.getMessage() + ")", e);
        }
        // a list separated by tabs instead of commas is read too
        char separator = text.indexOf('\t') >= 0 && text.indexOf(',') < 0 ? '\t' : ',';
        Path base = list.toAbsolutePath().getParent();
        for (CsvRows.Row row : CsvRows.parse(text, separator, true, line -> list + ":" + line)) {
            List<String> cols = row.fields();
            String at = list + ":" + row.line();
            if (files.isEmpty() && cols.get(0).strip().toLowerCase(Locale.ROOT).startsWith("path")) {
                continue;
            }
            if (cols.size() > 2) {
                throw new DataException(at + ": expected 'path' or 'path,label', got " + cols.size() + " columns");
            }
            Path f = base.resolve(cols.get(0).strip());
            if (!Files.isRegularFile(f)) {
                throw new DataException(at + ": " + f + ": no such image file");
            }
            files.add(f);
            labels.add(cols.size() == 2 ? classIndex(cols.get(1).strip(), at) : -1);
        }
        if (files.isEmpty()) {
            throw new DataException(what + " " + list + ": lists no image");
        }
    }

    private static int classIndex(String s, String where) {
        try {
            int k = Integer.parseInt(s);
            if (k >= 0) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DataException(where + ": a class must be a class index 0, 1, ..., got '" + s + "'");
    }

    private static String sha256(float[] pixels, int[] labels) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(4 * (pixels.length + labels.length)).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(pixels);
            b.position(4 * pixels.length);
            b.asIntBuffer().put(labels);
            md.update(b.array());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
