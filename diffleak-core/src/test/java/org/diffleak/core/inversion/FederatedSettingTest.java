package org.diffleak.core.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;
import org.junit.jupiter.api.Test;

class FederatedSettingTest {

    private static ImageDataset pool(int perClass) {
        int n = 10 * perClass;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        return ImageDataset.of("pool", 1, 2, 2, new float[n * 4], labels);
    }

    @Test
    void groupsAreTheIssuesCoarseClasses() {
        assertThat(FederatedSetting.categoriesOf(0)).containsExactly(0, 2, 3, 4, 6);
        assertThat(FederatedSetting.categoriesOf(1)).containsExactly(5, 7, 9);
        assertThat(FederatedSetting.categoriesOf(2)).containsExactly(1, 8);
    }

    @Test
    void usersHoldOneTopOrFootwearCategoryAndDisjointImages() {
        ImageDataset pool = pool(50);
        List<FederatedSetting.User> users = FederatedSetting.drawUsers(pool, 16, 20, FederatedSetting.Draw.IID, Seeds.of(1));
        Set<Integer> seen = new HashSet<>();
        for (FederatedSetting.User u : users) {
            assertThat(u.group()).isIn(0, 1);
            assertThat(u.group()).isEqualTo(FederatedSetting.groupOf(u.attribute()));
            for (int i : u.indices()) {
                assertThat(pool.labels()[i]).isEqualTo(u.attribute());
                assertThat(seen.add(i)).isTrue();
            }
        }
        assertThat(FederatedSetting.drawUsers(pool, 16, 20, FederatedSetting.Draw.IID, Seeds.of(1)).get(3).indices())
                .containsExactly(users.get(3).indices());
    }

    @Test
    void styleUsersOfOneCategoryHoldTheCentresOfDifferentLooks() {
        // each attribute category: 40 one-pixel images, 20 dark (0.00 … 0.19) and 20 light (0.80 … 0.99); 16
        // users give each category two, so k-means finds the two looks and each user holds the 5 images
        // nearest one look's centre (0.095 or 0.895)
        int n = 40 * FederatedSetting.ATTRIBUTES.length;
        float[] px = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i % 40;
            px[i] = (j < 20 ? j : 60 + j) / 100f;
            labels[i] = FederatedSetting.ATTRIBUTES[i / 40];
        }
        ImageDataset pool = ImageDataset.of("looks", 1, 1, 1, px, labels);
        List<FederatedSetting.User> users = FederatedSetting.drawUsers(pool, 16, 5, FederatedSetting.Draw.STYLE, Seeds.of(3));
        for (int attribute : FederatedSetting.ATTRIBUTES) {
            Set<Boolean> looks = new HashSet<>();
            for (FederatedSetting.User u : users) {
                if (u.attribute() == attribute) {
                    boolean light = px[u.indices()[0]] > 0.5;
                    looks.add(light);
                    for (int i : u.indices()) {
                        assertThat((double) px[i]).isCloseTo(light ? 0.895 : 0.095,
                                org.assertj.core.data.Offset.offset(0.0251));
                    }
                }
            }
            assertThat(looks).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void kMeansFindsSeparatedClustersFromAnySeed() {
        float[] px = {0f, 0.1f, 0.05f, 5f, 5.1f, 4.9f, 10f, 10.2f};
        ImageDataset pool = ImageDataset.of("three", 1, 1, 1, px, new int[px.length]);
        List<Integer> all = java.util.stream.IntStream.range(0, px.length).boxed().toList();
        for (long seed = 0; seed < 20; seed++) {
            float[][] c = FederatedSetting.kMeans(pool, all, 3, new java.util.SplittableRandom(seed));
            double[] sorted = java.util.Arrays.stream(c).mapToDouble(v -> v[0]).sorted().toArray();
            assertThat(sorted).containsExactly(new double[] {0.05, 5.0, 10.1},
                    org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void styleUsersOfOneCategoryDoNotShareImages() {
        ImageDataset pool = pool(50);
        Set<Integer> seen = new HashSet<>();
        for (FederatedSetting.User u : FederatedSetting.drawUsers(pool, 16, 20, FederatedSetting.Draw.STYLE, Seeds.of(2))) {
            for (int i : u.indices()) {
                assertThat(pool.labels()[i]).isEqualTo(u.attribute());
                assertThat(seen.add(i)).isTrue();
            }
        }
        assertThat(seen).hasSize(16 * 20);
    }

    @Test
    void tooFewImagesIsAClearError() {
        assertThatThrownBy(() -> FederatedSetting.drawUsers(pool(10), 9, 20, FederatedSetting.Draw.STYLE, Seeds.of(1)))
                .isInstanceOf(DataException.class).hasMessageContaining("not enough images");
    }

    @Test
    void looksSplitEachCategoryIntoItsClusters() {
        // category 0: values near 0 and near 1; category 3: values near 5 and near 9
        float[] px = {0f, 0.1f, 1f, 0.9f, 5f, 5.2f, 9f, 9.1f};
        int[] labels = {0, 0, 0, 0, 3, 3, 3, 3};
        ImageDataset looks = FederatedSetting.looks(ImageDataset.of("two", 1, 1, 1, px, labels), 2, Seeds.of(4));
        int[] y = looks.labels();
        assertThat(y[0]).isEqualTo(y[1]).isNotEqualTo(y[2]).isBetween(0, 1);
        assertThat(y[2]).isEqualTo(y[3]).isBetween(0, 1);
        assertThat(y[4]).isEqualTo(y[5]).isNotEqualTo(y[6]).isBetween(6, 7);
        assertThat(y[6]).isEqualTo(y[7]).isBetween(6, 7);
    }
}
