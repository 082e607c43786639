package org.diffleak.core.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diffleak.core.data.DataException;
import org.diffleak.core.data.ImageDataset;
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
    void styleUsersHoldTheImagesNearestTheirAnchor() {
        // each attribute category: 40 one-pixel images of values 0.00 … 0.39, so the 5 nearest to an anchor
        // are 5 consecutive images around it
        int n = 40 * FederatedSetting.ATTRIBUTES.length;
        float[] px = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = (i % 40) / 100f;
            labels[i] = FederatedSetting.ATTRIBUTES[i / 40];
        }
        ImageDataset pool = ImageDataset.of("lines", 1, 1, 1, px, labels);
        for (FederatedSetting.User u : FederatedSetting.drawUsers(pool, 8, 5, FederatedSetting.Draw.STYLE, Seeds.of(3))) {
            int anchor = u.indices()[0];
            int[] sorted = u.indices().clone();
            java.util.Arrays.sort(sorted);
            assertThat(sorted[4] - sorted[0]).isEqualTo(4);
            assertThat(anchor).isBetween(sorted[0], sorted[4]);
            for (int i = 1; i < 5; i++) {
                assertThat(Math.abs(u.indices()[i] - anchor)).isGreaterThanOrEqualTo(Math.abs(u.indices()[i - 1] - anchor));
            }
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
}
