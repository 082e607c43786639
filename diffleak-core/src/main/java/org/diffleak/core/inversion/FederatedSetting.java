package org.diffleak.core.inversion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.data.DataException;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.Seeds;

/**
 * The federated task and its users for Fashion-MNIST. The shared model classifies the coarse group
 * (0 tops: T-shirt 0, pullover 2, dress 3, coat 4, shirt 6; 1 footwear: sandal 5, sneaker 7, ankle boot 9;
 * 2 other: trouser 1, bag 8). Each user holds a batch of images of one fine category (the private
 * attribute), drawn from tops or footwear, so the user's coarse label narrows the attribute to one of 5 or 3.
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
     * of {@link #ATTRIBUTES}, its images are drawn without replacement from that category, and no image is
     * given to two users.
     */
    public static List<User> drawUsers(ImageDataset pool, int users, int batchSize, Seeds seeds) {
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
        int[] used = new int[10];
        List<User> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int attribute = ATTRIBUTES[order[u % ATTRIBUTES.length]];
            List<Integer> candidates = byCategory.get(attribute);
            if (used[attribute] + batchSize > candidates.size()) {
                throw new DataException(pool.name() + ": not enough images of " + FINE_NAMES[attribute] + " for "
                        + users + " users of " + batchSize + " images");
            }
            int[] idx = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                idx[i] = candidates.get(used[attribute]++);
            }
            out.add(new User(u, attribute, groupOf(attribute), idx));
        }
        return out;
    }
}
