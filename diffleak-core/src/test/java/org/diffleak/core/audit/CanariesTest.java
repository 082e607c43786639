package org.diffleak.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;

class CanariesTest {

    /** The dp preset with its canaries replaced. */
    static AuditConfig config(String canaries) throws IOException {
        try (var in = AuditConfig.class.getResourceAsStream("/configs/audit-dp.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("(?m)^canaries: .*$", "canaries: " + canaries);
            return Json.readYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), AuditConfig.class,
                    "dp");
        }
    }

    /** 5000 4×4 images whose one pixel is its index / 5000, labels i % 10. */
    static ImageDataset images() {
        int n = 5000;
        float[] px = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            px[i * 16] = i / (float) n;
            labels[i] = i % 10;
        }
        return ImageDataset.of("x", 1, 4, 4, px, labels);
    }

    @Test
    void coinsAreSeededAndInsertAboutHalf() throws IOException {
        AuditConfig c = config("{count: 1000, kind: noise, seed: 7}");
        ImageDataset all = images();
        Splits splits = Splits.create(all.size(), 1000, 1000, 2000, 2024);
        Canaries a = Canaries.of(c, all, splits);
        Canaries b = Canaries.of(c, all, splits);
        Canaries other = Canaries.of(config("{count: 1000, kind: noise, seed: 8}"), all, splits);
        assertThat(a.inserted()).containsExactly(b.inserted());
        assertThat(a.images().pixels()).containsExactly(b.images().pixels());
        assertThat(a.inserted()).isNotEqualTo(other.inserted());
        // Binomial(1000, 1/2): mean 500, sd 15.8
        assertThat(a.insertedCount()).isBetween(500 - 64, 500 + 64);
        for (float p : a.images().pixels()) {
            assertThat(p).isBetween(0f, 1f);
        }
        assertThat(Arrays.stream(a.images().labels()).allMatch(y -> y >= 0 && y < 10)).isTrue();

        ImageDataset train = all.subset(new int[] {0, 1, 2}, "train");
        ImageDataset with = a.insertInto(train);
        assertThat(with.size()).isEqualTo(3 + a.insertedCount());
        int next = 3;
        for (int i = 0; i < a.count(); i++) {
            if (a.inserted()[i]) {
                float[] want = new float[16];
                float[] got = new float[16];
                a.images().copyImage(i, want, 0);
                with.copyImage(next, got, 0);
                assertThat(got).containsExactly(want);
                assertThat(with.labels()[next++]).isEqualTo(a.images().labels()[i]);
            }
        }
    }

    @Test
    void mislabeledCanariesAreAuxiliaryImagesNoModelTrainsOnWithAWrongLabel() throws IOException {
        AuditConfig c = config("{count: 200, kind: mislabeled, seed: 7}");
        ImageDataset all = images();
        Splits splits = Splits.create(all.size(), 1000, 1000, 2000, 2024);
        Canaries k = Canaries.of(c, all, splits);
        Set<Integer> canaryIds = new HashSet<>();
        for (int i = 0; i < k.count(); i++) {
            int id = Math.round(k.images().pixels()[i * 16] * all.size());
            canaryIds.add(id);
            assertThat(k.images().labels()[i]).isNotEqualTo(all.labels()[id]).isBetween(0, 9);
        }
        assertThat(canaryIds).hasSize(200);
        // disjoint from the candidates and from every shadow's slice
        Set<Integer> used = new HashSet<>();
        Arrays.stream(splits.members()).forEach(used::add);
        Arrays.stream(splits.nonMembers()).forEach(used::add);
        Arrays.stream(splits.auxiliary(), 0, c.canaryPoolStart()).forEach(used::add);
        assertThat(c.canaryPoolStart()).isEqualTo(2 * c.target().members() * c.shadows());
        assertThat(canaryIds).doesNotContainAnyElementsOf(used);
    }
}
