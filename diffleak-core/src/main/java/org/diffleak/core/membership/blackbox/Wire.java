package org.diffleak.core.membership.blackbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON wire format that {@link BlackBoxServer} and {@link RemoteTarget} share, read and written with
 * Jackson's streaming API so that a request of a million pixels never becomes a million tree nodes.
 * Images travel as arrays of plain JSON numbers, one array of C·H·W values per image; a float32 written
 * with its shortest decimal form reads back to the same bits.
 */
final class Wire {

    static final String INFO = "/v1/info";
    static final String DENOISE = "/v1/denoise";
    static final String GENERATE = "/v1/generate";
    static final String JSON = "application/json";

    /**
     * Duplicate keys are an error, so {@code {"seeds":[1],"seeds":[2]}} cannot mean either. Jackson's own
     * fast number reader and writer (exact, shortest round-trip form) make a float about twice as cheap
     * as the JDK 17 parse and toString.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    /** A tree reader and writer on {@link #FACTORY}'s settings. */
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private Wire() {}

    /** A request or response that does not follow the wire format; the message is one line. */
    static final class FormatException extends Exception {
        /** The HTTP status a server answers with: 400, or 413 for too many images. */
        final int status;

        FormatException(String message) {
            this(message, 400);
        }

        FormatException(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    /**
     * Reads an array of images, each an array of exactly {@code rowLength} finite numbers, from the parser
     * placed on its START_ARRAY; at most {@code maxRows} images.
     *
     * @param tooMany called with the row count once it passes maxRows (it throws)
     */
    static float[] readImages(JsonParser p, String field, int rowLength, int maxRows, TooMany tooMany)
            throws IOException, FormatException {
        expect(p, JsonToken.START_ARRAY, field, "an array of images");
        List<float[]> rows = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int i = rows.size();
            if (i >= maxRows) {
                tooMany.raise(i + 1);
            }
            expect(p, JsonToken.START_ARRAY, field + "[" + i + "]", "an array of " + rowLength + " numbers");
            float[] row = new float[rowLength];
            int j = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw new FormatException(field + "[" + i + "][" + j + "] must be a finite number, got "
                            + shortText(p));
                }
                if (j < rowLength) {
                    float v = p.getFloatValue();
                    if (!Float.isFinite(v)) {
                        throw new FormatException(field + "[" + i + "][" + j + "] must be a finite number, got "
                                + p.getText());
                    }
                    row[j] = v;
                }
                j++;
            }
            if (j != rowLength) {
                throw new FormatException(field + "[" + i + "] has " + j + " values; this model takes C·H·W = "
                        + rowLength);
            }
            rows.add(row);
        }
        float[] out = new float[rows.size() * rowLength];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * rowLength, rowLength);
        }
        return out;
    }

    @FunctionalInterface
    interface TooMany {
        void raise(int count) throws FormatException;
    }

    /** Writes images [from, from + n) of a [*, rowLength] array as an array of arrays. */
    static void writeImages(JsonGenerator g, String field, float[] images, int from, int n, int rowLength)
            throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = from; i < from + n; i++) {
            g.writeStartArray();
            int base = i * rowLength;
            for (int j = 0; j < rowLength; j++) {
                g.writeNumber(images[base + j]);
            }
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    static int[] readInts(JsonParser p, String field) throws IOException, FormatException {
        long[] v = readLongs(p, field);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new FormatException(field + "[" + i + "] = " + v[i] + " is out of range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    static long[] readLongs(JsonParser p, String field) throws IOException, FormatException {
        expect(p, JsonToken.START_ARRAY, field, "an array of integers");
        long[] out = new long[16];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long v = integer(p, field + "[" + n + "]");
            if (n == out.length) {
                out = Arrays.copyOf(out, 2 * n);
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    /** The current token as a 64-bit integer. */
    static long integer(JsonParser p, String field) throws IOException, FormatException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new FormatException(field + " must be an integer, got " + shortText(p));
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw new FormatException(field + " = " + p.getText() + " does not fit a 64-bit integer");
        }
        return p.getLongValue();
    }

    /** The current token as a finite number. */
    static double number(JsonParser p, String field) throws IOException, FormatException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
            throw new FormatException(field + " must be a number, got " + shortText(p));
        }
        double v = p.getDoubleValue();
        if (!Double.isFinite(v)) {
            throw new FormatException(field + " must be finite, got " + p.getText());
        }
        return v;
    }

    static void expect(JsonParser p, JsonToken token, String field, String what) throws IOException, FormatException {
        if (p.currentToken() != token) {
            throw new FormatException(field + " must be " + what + ", got " + shortText(p));
        }
    }

    /** The current token as a person would write it, cut short. */
    static String shortText(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> {
                String s = p.getText();
                yield "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
            }
            default -> {
                String s = p.getText();
                yield s.length() > 40 ? s.substring(0, 40) + "…" : s;
            }
        };
    }

    /** One line, at most 300 characters: what an error message may carry. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** Longest wait between two attempts of a client. */
    static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    /** The wait before retry number `retry` (1, 2, ...): base · 2^(retry−1), at most {@link #MAX_RETRY_DELAY}. */
    static long backoffNanos(Duration base, int retry) {
        long max = MAX_RETRY_DELAY.toNanos();
        long nanos = Math.min(base.toNanos(), max);
        for (int i = 1; i < retry && nanos < max; i++) {
            nanos = Math.min(2 * nanos, max);
        }
        return nanos;
    }

    /** Sleeps before a retry; an interrupt ends the request (`what` on `uri`) with one line. */
    static void sleepBeforeRetry(long nanos, String what, URI uri) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteTargetException(what + ": interrupted while waiting to retry", uri, 0, e);
        }
    }

    /**
     * An error answer's message in one line: what `fromJson` reads from a JSON body (null when it finds none), else
     * the start of the raw text.
     */
    static String errorMessage(byte[] body, Function<JsonNode, String> fromJson) {
        if (body == null || body.length == 0) {
            return "(no message)";
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            String e = n == null ? null : fromJson.apply(n);
            if (e != null) {
                return e;
            }
        } catch (IOException e) {
            // not JSON: the raw text below
        }
        String text = oneLine(new String(body, 0, Math.min(body.length, 1000), StandardCharsets.UTF_8));
        return text.isEmpty() ? "(no message)" : text;
    }
}
