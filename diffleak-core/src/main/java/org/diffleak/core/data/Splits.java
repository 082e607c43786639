package org.diffleak.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;

/**
 * A membership-inference split of one dataset into disjoint index sets covering it: members (trained on),
 * non-members (held out), auxiliary (the attacker's own data) and the public rest. Each set is sorted.
 */
public record Splits(
        long seed,
        int datasetSize,
        int[] publicIdx,
        int[] members,
        int[] nonMembers,
        int[] auxiliary) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

    /** Checks that the four sets are disjoint and cover 0..datasetSize−1 exactly. */
    public Splits {
        Objects.requireNonNull(publicIdx, "publicIdx");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(nonMembers, "nonMembers");
        Objects.requireNonNull(auxiliary, "auxiliary");
        if (datasetSize < 0) {
            throw new IllegalArgumentException("dataset size must be non-negative, got " + datasetSize);
        }
        boolean[] seen = new boolean[datasetSize];
        long count = 0;
        for (int[] set : new int[][] {publicIdx, members, nonMembers, auxiliary}) {
            for (int i : set) {
                if (i < 0 || i >= datasetSize) {
                    throw new IllegalArgumentException("index " + i + " is outside 0.." + (datasetSize - 1));
                }
                if (seen[i]) {
                    throw new IllegalArgumentException("index " + i + " is in more than one split");
                }
                seen[i] = true;
                count++;
            }
        }
        if (count != datasetSize) {
            throw new IllegalArgumentException("splits hold " + count + " of " + datasetSize + " indices");
        }
    }

    /**
     * A seeded Fisher–Yates shuffle of 0..datasetSize−1: the first `members` indices become members, the next
     * `nonMembers` non-members, the next `auxiliary` auxiliary, and the rest public.
     */
    public static Splits create(int datasetSize, int members, int nonMembers, int auxiliary, long seed) {
        if (datasetSize < 0 || members < 0 || nonMembers < 0 || auxiliary < 0) {
            throw new IllegalArgumentException("split sizes must be non-negative, got dataset " + datasetSize
                    + ", members " + members + ", non-members " + nonMembers + ", auxiliary " + auxiliary);
        }
        long needed = (long) members + nonMembers + auxiliary;
        if (needed > datasetSize) {
            throw new IllegalArgumentException("members " + members + " + non-members " + nonMembers
                    + " + auxiliary " + auxiliary + " = " + needed + " exceeds the dataset size " + datasetSize);
        }
        int[] perm = Seeds.permutation(new SplittableRandom(seed), datasetSize);
        int a = members;
        int b = a + nonMembers;
        int c = b + auxiliary;
        return new Splits(seed, datasetSize, sorted(perm, c, datasetSize), sorted(perm, 0, a),
                sorted(perm, a, b), sorted(perm, b, c));
    }

    private static int[] sorted(int[] perm, int from, int to) {
        int[] part = Arrays.copyOfRange(perm, from, to);
        Arrays.sort(part);
        return part;
    }

    /** Writes this split as JSON; the file is replaced whole or not at all. */
    public void save(Path file) {
        AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, this));
    }

    public static Splits load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return JSON.readValue(in, Splits.class);
        } catch (JsonProcessingException e) {
            String why = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage() : e.getOriginalMessage();
            throw new DataException(file + ": not a valid splits file (" + why + ")", e);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file", e);
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Splits s && seed == s.seed && datasetSize == s.datasetSize
                && Arrays.equals(publicIdx, s.publicIdx) && Arrays.equals(members, s.members)
                && Arrays.equals(nonMembers, s.nonMembers) && Arrays.equals(auxiliary, s.auxiliary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, datasetSize, Arrays.hashCode(publicIdx), Arrays.hashCode(members),
                Arrays.hashCode(nonMembers), Arrays.hashCode(auxiliary));
    }

    @Override
    public String toString() {
        return "Splits[seed=" + seed + ", datasetSize=" + datasetSize + ", public=" + publicIdx.length
                + ", members=" + members.length + ", nonMembers=" + nonMembers.length
                + ", auxiliary=" + auxiliary.length + "]";
    }

    /** The indices of a split by its name: public, members, nonmembers or auxiliary. */
    public int[] byName(String split) {
        return switch (split) {
            case "public" -> publicIdx;
            case "members" -> members;
            case "nonmembers" -> nonMembers;
            case "auxiliary" -> auxiliary;
            default -> throw new DataException("unknown split '" + split + "' (public, members, nonmembers, auxiliary)");
        };
    }
}
