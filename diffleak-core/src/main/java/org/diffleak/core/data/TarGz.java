package org.diffleak.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** A minimal reader for gzipped tar archives (ustar, pax and GNU long names), enough for npm tarballs. */
final class TarGz {

    /** Called once per regular file; data ends at the entry's end and need not be read fully. */
    @FunctionalInterface
    interface EntryHandler {
        void entry(String name, InputStream data) throws IOException;
    }

    private static final int BLOCK = 512;

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
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
            readTar(tgz, in, handler);
        } catch (NoSuchFileException e) {
            throw new DataException(tgz + ": no such file", e);
        } catch (EOFException e) {
            throw new DataException(tgz + ": truncated archive", e);
        } catch (ZipException e) {
            throw new DataException(tgz + ": not gzip data, or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataException(tgz + ": " + e.getMessage(), e);
        }
    }

    private static void readTar(Path tgz, InputStream in, EntryHandler handler) throws IOException {
        byte[] header = new byte[BLOCK];
        String longName = null;
        long offset = 0;
        while (true) {
            int got = in.readNBytes(header, 0, BLOCK);
            if (got == 0 || (got == BLOCK && isZero(header))) {
                return; // end-of-archive marker, or an archive that omits it
            }
            if (got < BLOCK) {
                throw new EOFException();
            }
            if (checksum(header) != octal(tgz, header, 148, 8)) {
                throw new DataException(tgz + ": not a tar archive (bad header checksum at byte " + offset + ")");
            }
            long size = octal(tgz, header, 124, 12);
            char type = (char) header[156];
            String name = string(header, 0, 100);
            String prefix = string(header, 345, 155);
            if (string(header, 257, 5).equals("ustar") && !prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            Bounded data = new Bounded(in, size);
            switch (type) {
                case 'x' -> longName = paxPath(new String(data.readAllBytes(), StandardCharsets.UTF_8), longName);
                case 'L' -> longName = string(data.readAllBytes(), 0, (int) size);
                case '0', '\0', '7' -> {
                    handler.entry(longName != null ? longName : name, data);
                    longName = null;
                }
                default -> longName = null; // directories, links, global headers: nothing to extract
            }
            data.skipRest();
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            in.skipNBytes(padded - size);
            offset += BLOCK + padded;
        }
    }

    /** The "path" record of a pax extended header ("LEN path=VALUE\n" records), else the current value. */
    private static String paxPath(String records, String current) {
        for (String rec : records.split("\n")) {
            int eq = rec.indexOf('=');
            int sp = rec.indexOf(' ');
            if (sp >= 0 && eq > sp && rec.substring(sp + 1, eq).equals("path")) {
                return rec.substring(eq + 1);
            }
        }
        return current;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Unsigned byte sum with the checksum field itself counted as spaces. */
    private static long checksum(byte[] header) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        return sum;
    }

    private static long octal(Path tgz, byte[] b, int off, int len) {
        long v = 0;
        int i = off;
        while (i < off + len && b[i] == ' ') {
            i++;
        }
        for (; i < off + len && b[i] != 0 && b[i] != ' '; i++) {
            if (b[i] < '0' || b[i] > '7') {
                throw new DataException(tgz + ": not a tar archive (bad octal field)");
            }
            v = v * 8 + (b[i] - '0');
        }
        return v;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** A view of the next size bytes of the archive; closing it leaves the archive open. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException();
            }
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            in.skipNBytes(left);
            left = 0;
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }
}
