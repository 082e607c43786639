package org.diffleak.core.util;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;

/** The project's one JSON and YAML mapper set-up. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    public static void write(Path file, Object value) {
        AtomicFiles.write(file, out -> MAPPER.writeValue(out, value));
    }

    public static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read JSON: " + firstLine(e.getMessage()), e);
        }
    }

    /** Reads a YAML file of the given record type (see {@link #readYaml(InputStream, Class, String)}). */
    public static <T> T readYamlFile(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such config file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readYaml(in, type, file.toString());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads a YAML preset shipped in the jar under /configs/; `known` lists the presets for the error. */
    public static <T> T readYamlPreset(String file, Class<T> type, String name, String known) {
        try (InputStream in = Json.class.getResourceAsStream("/configs/" + file)) {
            if (in == null) {
                throw new DataException("no preset named '" + name + "' (known: " + known + ")");
            }
            return readYaml(in, type, "preset " + name);
        } catch (IOException e) {
            throw new DataException("preset " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a YAML document of the given record type; a syntax error, an unknown key or a value the record
     * rejects becomes one DataException line naming the source.
     */
    public static <T> T readYaml(InputStream in, Class<T> type, String source) throws IOException {
        try {
            return YAML.readValue(in, type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String msg = root instanceof IllegalArgumentException ? root.getMessage() : firstLine(e.getOriginalMessage());
            throw new DataException(source + ": " + msg, e);
        }
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
