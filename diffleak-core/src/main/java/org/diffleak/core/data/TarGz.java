package org.diffleak.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.diffleak.core.io.DataException;

/**
 * Gzipped tar archives (ustar, pax and GNU long names, as npm tarballs are), read with Apache Commons
 * Compress; every failure becomes one {@link DataException} line naming the archive.
 */
final class TarGz {

    /** Called once per regular file; data ends at the entry's end and need not be read fully. */
    @FunctionalInterface
    interface EntryHandler {
        void entry(String name, InputStream data) throws IOException;
    }

    private TarGz() {}

    /** Extracts the regular files of tgz under dest, refusing names that would escape it. */
    static void extract(Path tgz, Path dest) {
        Path root = dest.toAbsolutePath().normalize();
        read(tgz, (name, data) -> {
            Path target = root.resolve(name).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new DataException(tgz + ": unsafe entry name '" + name + "'");
            }
            Files.createDirectories(target.getParent());
            Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
        });
    }

    /** Streams the regular files of tgz to handler in archive order. */
    static void read(Path tgz, EntryHandler handler) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    // the handler may close its stream; the archive stays open for the next entry
                    handler.entry(e.getName(), CloseShieldInputStream.wrap(tar));
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataException(tgz + ": no such file", e);
        } catch (EOFException e) {
            throw new DataException(tgz + ": truncated archive", e);
        } catch (ZipException e) {
            throw new DataException(tgz + ": not gzip data, or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataException(tgz + ": not a tar archive, or corrupt (" + e.getMessage() + ")", e);
        }
    }
}
