package org.diffleak.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.io.DataException;

/**
 * Each candidate image's prompt, for a text-conditioned target (a Stable Diffusion web API): a CSV file of
 * {@code path,caption} lines, paths relative to the file's folder; a header line starting with {@code path}
 * and lines starting with # are skipped. A caption is the rest of the line after the first comma, or a
 * double-quoted field in which {@code ""} stands for one quote (so it may hold commas and quotes).
 */
public final class Captions {

    private final Path file;
    private final Map<Path, String> byFile;

    private Captions(Path file, Map<Path, String> byFile) {
        this.file = file;
        this.byFile = byFile;
    }

    /** Reads a captions file; a malformed line or a path listed twice is a one-line error naming the line. */
    public static Captions read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("--captions " + file + ": no such file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("--captions " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        Path base = file.toAbsolutePath().getParent();
        Map<Path, String> map = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            String at = file + ":" + (n + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#") || (map.isEmpty() && line.toLowerCase().startsWith("path"))) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma <= 0) {
                throw new DataException(at + "expected 'path,caption', got '" + shorten(line) + "'");
            }
            Path image = base.resolve(line.substring(0, comma).strip()).normalize();
            String caption = field(line.substring(comma + 1).strip(), at);
            if (map.put(image, caption) != null) {
                throw new DataException(at + "a second caption for " + line.substring(0, comma).strip());
            }
        }
        if (map.isEmpty()) {
            throw new DataException("--captions " + file + ": lists no caption");
        }
        return new Captions(file, map);
    }

    /** The caption of an image file (absolute or relative to the working directory); a missing one is an error. */
    public String of(Path image, String id) {
        String c = byFile.get(image.toAbsolutePath().normalize());
        if (c == null) {
            throw new DataException("--captions " + file + ": no caption for " + id);
        }
        return c;
    }

    /**
     * Prompt indices of candidate sets against one vocabulary: prompts in order of first appearance over the
     * sets in the order given.
     *
     * @param sets candidates and the folder or list each was read from
     * @return the vocabulary and, per set, each candidate's index into it
     */
    public Vocabulary index(List<Map.Entry<CandidateImages, Path>> sets) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<int[]> out = new ArrayList<>();
        for (Map.Entry<CandidateImages, Path> e : sets) {
            CandidateImages c = e.getKey();
            int[] idx = new int[c.size()];
            for (int i = 0; i < idx.length; i++) {
                String p = of(c.file(e.getValue(), i), c.ids().get(i));
                idx[i] = vocab.computeIfAbsent(p, k -> vocab.size());
            }
            out.add(idx);
        }
        return new Vocabulary(List.copyOf(vocab.keySet()), out);
    }

    /** Distinct prompts, and each set's prompt indices. */
    public record Vocabulary(List<String> prompts, List<int[]> indices) {}

    private static String field(String s, String at) {
        if (!s.startsWith("\"")) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '"') {
                b.append(ch);
            } else if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                b.append('"');
                i++;
            } else if (i == s.length() - 1) {
                return b.toString();
            } else {
                throw new DataException(at + "text after the closing quote of the caption");
            }
        }
        throw new DataException(at + "the caption's quote is not closed");
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
