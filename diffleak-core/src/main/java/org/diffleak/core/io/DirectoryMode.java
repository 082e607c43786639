package org.diffleak.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** A report directory others cannot enter (mode 0700), for reports that hold private images. */
public final class DirectoryMode {

    private DirectoryMode() {}

    /** Creates dir if missing and makes it owner-only; the files inside keep their modes. */
    public static void ownerOnly(Path dir) {
        try {
            Files.createDirectories(dir);
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            if (view == null) {
                throw new IOException("this file system has no POSIX permissions");
            }
            view.setPermissions(PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir + " private: " + e.getMessage(), e);
        }
    }
}
