package org.diffleak.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes that either land whole or not at all: write a temp sibling, then rename over the target. The temp
 * sibling is made like any new file (mode 0666/0777 less the umask, so 0644/0755 under the usual 022), not as
 * a private temp file: a report copied to a shared folder or a web server stays readable.
 */
public final class AtomicFiles {

    /** The body of a write, given the temp file's stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** The body of a directory write, given the temp directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    public static void write(Path target, Writer body) {
        replace(target, parent -> Files.createFile(sibling(parent, target)), tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.write(out);
            }
        });
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Builds a directory in a temp sibling and renames it into place. A directory cannot be renamed over a
     * non-empty one, so an old one is first renamed aside and deleted only once the new one is in place.
     */
    public static void writeDirectory(Path target, DirectoryWriter body) {
        replace(target, parent -> Files.createDirectory(sibling(parent, target)), tmp -> {
            body.write(tmp);
            if (Files.exists(target)) {
                Path old = tmp.resolveSibling(tmp.getFileName() + ".old");
                move(target, old);
                try {
                    move(tmp, target);
                } catch (IOException e) {
                    move(old, target);
                    throw e;
                }
                deleteRecursively(old);
            }
        });
    }

    /** A hidden sibling name no other write uses: the target's name, a random part and ".tmp". */
    private static Path sibling(Path parent, Path target) {
        return parent.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    }

    private interface TempMaker {
        Path make(Path parent) throws IOException;
    }

    /** Makes a temp sibling of target, fills it, and moves it over target; on failure only the temp goes. */
    private static void replace(Path target, TempMaker maker, DirectoryWriter fill) {
        Path tmp = null;
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            tmp = maker.make(parent);
            fill.write(tmp);
            if (Files.exists(tmp)) {
                move(tmp, target);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            deleteRecursively(p);
        } catch (IOException ignored) {
            // the temp file is left behind; the target was never touched
        }
    }
}
