package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.diffleak.core.data.ImageDataset;
import org.junit.jupiter.api.Test;

class PooledPixelsTest {

    @Test
    void cellMeansAndSpreadByHand() {
        // one 1×4×4 image: rows 0..3 hold 0, 1, 2, 3 in the left half and 4 in the right half
        float[] px = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                px[y * 4 + x] = x < 2 ? y : 4;
            }
        }
        double[][] f = PooledPixels.of(ImageDataset.of("hand", 1, 4, 4, px, new int[1]), 2);
        // cells: top-left mean(0, 1) = 0.5, top-right 4, bottom-left mean(2, 3) = 2.5, bottom-right 4
        assertThat(f[0]).hasSize(9);
        assertThat(f[0][0]).isEqualTo(0.5);
        assertThat(f[0][1]).isEqualTo(4);
        assertThat(f[0][2]).isEqualTo(2.5);
        assertThat(f[0][3]).isEqualTo(4);
        // top-left cell: |∂y| = 1 at each of its 4 pixels; |∂x| = 0 at column 0 and, at column 1 (next: 4), 4 and 3
        assertThat(f[0][4]).isEqualTo((1 + 1 + 1 + 1 + 4 + 3) / 4.0);
        // top-right: |∂x| 0 and none past the last column, |∂y| 0
        assertThat(f[0][5]).isEqualTo(0);
        // mean 2.75; values 0,0,1,1,2,2,3,3 and 4×8: E[v²] = (2·(0+1+4+9) + 8·16)/16 = 9.75
        assertThat(f[0][8]).isCloseTo(Math.sqrt(9.75 - 2.75 * 2.75), within(1e-12));
        // 3 cells over 4 pixels: ⌊r·4/3⌋ gives spans of 1, 1 and 2 rows
        double[][] g = PooledPixels.of(ImageDataset.of("hand", 1, 4, 4, px, new int[1]), 3);
        assertThat(g[0][0]).isEqualTo(0);
        assertThat(g[0][6]).isEqualTo(2.5);
        assertThat(g[0]).hasSize(19);
        assertThatThrownBy(() -> PooledPixels.of(ImageDataset.of("hand", 1, 4, 4, px, new int[1]), 5))
                .hasMessageContaining("[1, 4]");
    }
}
