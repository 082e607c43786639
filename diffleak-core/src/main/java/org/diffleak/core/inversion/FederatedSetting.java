package org.diffleak.core.inversion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;

/**
 * The federated task and its users for Fashion-MNIST. The shared model classifies the coarse group
 * (0 tops: T-shirt 0, pullover 2, dress 3, coat 4, shirt 6; 1 footwear: sandal 5, sneaker 7, ankle boot 9;
 * 2 other: trouser 1, bag 8). Each user holds a batch of images of one fine category (the private
 * attribute), drawn from tops or footwear, so the user's coarse label narrows the attribute to one of 5 or 3.
 * Several users share each attribute (8 categories for up to 20 users); what tells them apart is
 * {@link Draw}: with {@link Draw#STYLE} a user's images are one look within the category, as a person's
 * photos are one identity in the CelebA setting of the user-level attack.
 */
public final class FederatedSetting {

    public static final int GROUPS = 3;
    public static final String[] GROUP_NAMES = {"tops", "footwear", "other"};
    public static final String[] FINE_NAMES = {"T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
        "sneaker", "bag", "ankle boot"};
    /** Coarse group of each fine category. */
    private static final int[] GROUP_OF = {0, 2, 0, 0, 0, 1, 0, 1, 2, 1};
    /** Fine categories a user's attribute may take: tops and footwear. */
    public static final int[] ATTRIBUTES = {0, 2, 3, 4, 6, 5, 7, 9};

    /**
     * One user of the federation.
     *
     * @param id 0-based user number
     * @param attribute the private fine category shared by the user's images
     * @param group its coarse group, the label every image carries in the federated task
     * @param indices the user's images in the pool
     */
    public record User(int id, int attribute, int group, int[] indices) {}

    /** How a user's images are drawn from its category. */
    public enum Draw {
        /** At random: users of one category are exchangeable, only the category sets them apart. */
        IID,
        /**
         * One look per user: the category's images fall into k seeded k-means clusters (pixel L2, k = the
         * category's users) and each user holds the batch-size unused images nearest its cluster's centre, so
         * that "closer to the own user's batch than to any other" asks more than the category.
         */
        STYLE;

        public static Draw parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "iid" -> IID;
                case "style" -> STYLE;
                default -> throw new IllegalArgumentException("user draw must be iid or style, got " + s);
            };
        }
    }

    private FederatedSetting() {}

    public static int groupOf(int fine) {
        if (fine < 0 || fine >= GROUP_OF.length) {
            throw new IllegalArgumentException("no Fashion-MNIST category " + fine);
        }
        return GROUP_OF[fine];
    }

    /** The fine categories of a coarse group, ascending. */
    public static int[] categoriesOf(int group) {
        return Arrays.stream(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}).filter(c -> GROUP_OF[c] == group).toArray();
    }

    /** The dataset relabelled with coarse groups (the federated task's labels). */
    public static ImageDataset coarse(ImageDataset fine) {
        int[] y = new int[fine.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = groupOf(fine.labels()[i]);
        }
        return ImageDataset.of(fine.name() + ":coarse", fine.channels(), fine.height(), fine.width(), fine.pixels(), y);
    }

    /**
     * Draws users from a pool of labelled images: user u's attribute cycles through a seeded permutation
     * of {@link #ATTRIBUTES}, its images are drawn without replacement from that category as {@code draw}
     * says, and no image is given to two users.
     */
    public static List<User> drawUsers(ImageDataset pool, int users, int batchSize, Draw draw, Seeds seeds) {
        if (users < 1) {
            throw new IllegalArgumentException("need at least one user, got " + users);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        SplittableRandom rng = seeds.child("users").random();
        int[] order = Seeds.permutation(rng, ATTRIBUTES.length);
        List<List<Integer>> byCategory = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            byCategory.add(new ArrayList<>());
        }
        for (int i : Seeds.permutation(seeds.child("pool").random(), pool.size())) {
            int y = pool.labels()[i];
            if (y >= 0 && y < 10) {
                byCategory.get(y).add(i);
            }
        }
        int[] attributes = new int[users];
        int[] usersOf = new int[10];
        for (int u = 0; u < users; u++) {
            attributes[u] = ATTRIBUTES[order[u % ATTRIBUTES.length]];
            usersOf[attributes[u]]++;
        }
        List<float[][]> centres = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            centres.add(draw == Draw.STYLE && usersOf[c] > 0
                    ? kMeans(pool, byCategory.get(c), usersOf[c], seeds.child("styles").child(c).random()) : null);
        }
        boolean[] taken = new boolean[pool.size()];
        int[] seenOf = new int[10];
        List<User> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int attribute = attributes[u];
            List<Integer> free = byCategory.get(attribute).stream().filter(i -> !taken[i]).toList();
            if (free.size() < batchSize) {
                throw new DataException(pool.name() + ": not enough images of " + FINE_NAMES[attribute] + " for "
                        + users + " users of " + batchSize + " images");
            }
            int[] idx = draw == Draw.IID ? free.subList(0, batchSize).stream().mapToInt(Integer::intValue).toArray()
                    : nearest(pool, free, centres.get(attribute)[seenOf[attribute]++], batchSize);
            for (int i : idx) {
                taken[i] = true;
            }
            out.add(new User(u, attribute, groupOf(attribute), idx));
        }
        return out;
    }

    /**
     * The dataset relabelled with looks, for an encoder that tells users apart as a face-identity encoder tells
     * people apart: each category's images split into {@code perCategory} seeded k-means clusters (pixel L2),
     * label = category · perCategory + cluster.
     */
    public static ImageDataset looks(ImageDataset data, int perCategory, Seeds seeds) {
        int[] y = new int[data.size()];
        float[] img = new float[data.imageSize()];
        for (int c = 0; c < 10; c++) {
            int category = c;
            List<Integer> members = IntStream.range(0, data.size()).filter(i -> data.labels()[i] == category).boxed()
                    .toList();
            if (members.isEmpty()) {
                continue;
            }
            float[][] centres = kMeans(data, members, Math.min(perCategory, members.size()),
                    seeds.child("looks").child(c).random());
            for (int i : members) {
                data.copyImage(i, img, 0);
                y[i] = c * perCategory + nearestCentre(img, centres);
            }
        }
        return ImageDataset.of(data.name() + ":looks", data.channels(), data.height(), data.width(), data.pixels(), y);
    }

    private static int nearestCentre(float[] x, float[][] centres) {
        int best = 0;
        double bestDistance = squaredDistance(x, centres[0]);
        for (int c = 1; c < centres.length; c++) {
            double dc = squaredDistance(x, centres[c]);
            if (dc < bestDistance) {
                best = c;
                bestDistance = dc;
            }
        }
        return best;
    }

    /**
     * k-means (Lloyd) of the images {@code members}, seeded by k-means++ (each next seed drawn with
     * probability ∝ squared distance to the nearest seed so far); returns the k centres.
     */
    static float[][] kMeans(ImageDataset pool, List<Integer> members, int k, SplittableRandom rng) {
        int n = members.size();
        int d = pool.imageSize();
        if (n < k) {
            throw new DataException(pool.name() + ": " + n + " images cannot form " + k + " styles");
        }
        float[][] x = new float[n][d];
        for (int j = 0; j < n; j++) {
            pool.copyImage(members.get(j), x[j], 0);
        }
        float[][] centres = new float[k][];
        centres[0] = x[rng.nextInt(n)].clone();
        double[] near = new double[n];
        Arrays.fill(near, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                near[j] = Math.min(near[j], squaredDistance(x[j], centres[c - 1]));
                total += near[j];
            }
            double r = rng.nextDouble() * total;
            int pick = n - 1;
            for (int j = 0; j < n; j++) {
                r -= near[j];
                if (r < 0) {
                    pick = j;
                    break;
                }
            }
            centres[c] = x[pick].clone();
        }
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        for (int iter = 0; iter < 100; iter++) {
            boolean changed = false;
            for (int j = 0; j < n; j++) {
                int best = nearestCentre(x[j], centres);
                changed |= assign[j] != best;
                assign[j] = best;
            }
            if (!changed) {
                break;
            }
            double[][] sum = new double[k][d];
            int[] count = new int[k];
            for (int j = 0; j < n; j++) {
                count[assign[j]]++;
                for (int p = 0; p < d; p++) {
                    sum[assign[j]][p] += x[j][p];
                }
            }
            for (int c = 0; c < k; c++) {
                if (count[c] > 0) {
                    for (int p = 0; p < d; p++) {
                        centres[c][p] = (float) (sum[c][p] / count[c]);
                    }
                }
            }
        }
        return centres;
    }

    /** The k images of {@code free} nearest (pixel L2) to {@code centre}, nearest first. */
    private static int[] nearest(ImageDataset pool, List<Integer> free, float[] centre, int k) {
        float[] img = new float[pool.imageSize()];
        double[] dist = new double[free.size()];
        for (int j = 0; j < dist.length; j++) {
            pool.copyImage(free.get(j), img, 0);
            dist[j] = squaredDistance(img, centre);
        }
        return IntStream.range(0, dist.length).boxed().sorted(Comparator.comparingDouble(j -> dist[j]))
                .limit(k).mapToInt(free::get).toArray();
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int p = 0; p < a.length; p++) {
            double v = a[p] - b[p];
            s += v * v;
        }
        return s;
    }
}
