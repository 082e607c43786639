package org.diffleak.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.diffleak.torch.train.ClassifierTrainer;
import org.diffleak.torch.train.ModelStore;

/**
 * An audit cache behind a Hadoop filesystem URI (file://, hdfs://, s3a://, ...), mirrored into local
 * directories: entries are pulled in before work and pushed out after it. A pushed file is written to a
 * hidden temp name and renamed into place, and model and encoder cards go last, so a reader that finds a
 * card (the audit's test for a complete entry) finds the whole entry.
 */
final class RemoteCache implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern URI_FORM = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String uri;

    RemoteCache(String uri) {
        this.uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** Whether a --cache value names a Hadoop filesystem URI rather than a local directory. */
    static boolean isUri(String cache) {
        return URI_FORM.matcher(cache).matches();
    }

    /** Copies the entry under relative (a file or directory) into local, skipping files already there. */
    void pull(String relative, Path local) {
        try {
            FileSystem fs = fs();
            org.apache.hadoop.fs.Path from = remote(relative);
            if (!fs.exists(from)) {
                return;
            }
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(from, true);
            String prefix = fs.makeQualified(new org.apache.hadoop.fs.Path(uri)).toUri().getPath() + "/";
            while (files.hasNext()) {
                FileStatus f = files.next();
                String rel = f.getPath().toUri().getPath().substring(prefix.length());
                Path to = local.resolve(rel);
                if (!hidden(rel) && !Files.exists(to)) {
                    Files.createDirectories(to.getParent());
                    Path tmp = to.resolveSibling("." + to.getFileName() + "." + Long.toHexString(RANDOM.nextLong())
                            + ".tmp");
                    fs.copyToLocalFile(false, f.getPath(), new org.apache.hadoop.fs.Path(tmp.toUri()), true);
                    Files.move(tmp, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw unreachable("read " + relative, e);
        }
    }

    /** Copies every file of local that the remote cache lacks into it, cards last. */
    void push(Path local) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(local)) {
            s.filter(Files::isRegularFile).filter(p -> !hidden(local.relativize(p).toString())).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + local, e);
        }
        files.sort(Comparator.comparing(RemoteCache::isCard).thenComparing(Path::toString));
        try {
            FileSystem fs = fs();
            for (Path f : files) {
                String rel = local.relativize(f).toString();
                org.apache.hadoop.fs.Path to = remote(rel);
                if (fs.exists(to)) {
                    continue;
                }
                org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(to.getParent(),
                        "." + to.getName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
                fs.mkdirs(to.getParent());
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()), tmp);
                if (!fs.rename(tmp, to)) {
                    fs.delete(tmp, false);
                    if (!fs.exists(to)) {
                        throw new IOException("cannot rename " + tmp + " to " + to);
                    }
                }
            }
        } catch (IOException e) {
            throw unreachable("write", e);
        }
    }

    /** Fails in one line unless the filesystem answers. */
    void check() {
        try {
            fs().mkdirs(remote(""));
        } catch (IOException | RuntimeException e) {
            throw unreachable("reach", e);
        }
    }

    String uri() {
        return uri;
    }

    private FileSystem fs() throws IOException {
        FileSystem fs = FileSystem.get(URI.create(uri), new Configuration());
        if (fs instanceof LocalFileSystem local) {
            // no .crc sidecar files: the entries are read by the audit as plain files too
            local.setWriteChecksum(false);
            local.setVerifyChecksum(false);
        }
        return fs;
    }

    private org.apache.hadoop.fs.Path remote(String relative) {
        return new org.apache.hadoop.fs.Path(relative.isEmpty() ? uri : uri + "/" + relative);
    }

    private static boolean isCard(Path p) {
        String name = p.getFileName().toString();
        return name.equals(ModelStore.CARD) || name.equals(ClassifierTrainer.CARD);
    }

    /** Temp files of atomic writes (here and in the audit's own AtomicFiles) and Hadoop's checksum files. */
    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private IllegalStateException unreachable(String what, Exception e) {
        return new IllegalStateException("cache " + uri + ": cannot " + what + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0]), e);
    }
}
