package org.diffleak.torch.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.diffusion.FakeDenoiser;
import org.diffleak.torch.engine.Scalar;
import org.junit.jupiter.api.Test;

/**
 * SimA's statistic equals the authors' code (github.com/mx-ethan-rao/SimA, DDPM/components.py) on the fixture
 * that code computed (src/test/resources/reference/sima: make_fixture.py, README.md): eight 1×4×4 images, the
 * stand-in denoiser ε̂(x, t) = 0.5·x + 2t/1000 queried at the clean image in data scale, t = 0, 10, …, 40. The
 * reference sums |ε̂|⁴ in float64; this runs in float32, 16 terms of 4th powers each rounded by u = 6e-8 and
 * summed: within 16·5·u ≈ 5e-6 relative, so 1e-5.
 */
class SimaReferenceTest extends NativeTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SimaReferenceTest.class.getResource("/reference/sima/" + name).toURI());
    }

    @Test
    void scoreIsMinusTheAuthorsSumOfFourthPowers() throws IOException, URISyntaxException {
        List<String> inputs = Files.readAllLines(fixture("inputs.csv"));
        float[] px = new float[8 * 16];
        for (String line : inputs.subList(1, inputs.size())) {
            String[] f = line.split(",");
            if (f[0].equals("0")) {
                px[Integer.parseInt(f[1]) * 16 + Integer.parseInt(f[4]) * 4 + Integer.parseInt(f[5])] =
                        (float) Double.parseDouble(f[6]);
            }
        }
        ImageDataset images = ImageDataset.of("sima-fixture", 1, 4, 4, px, new int[8]);
        FakeDenoiser d = new FakeDenoiser(NoiseSchedule.defaultLinear(), 4,
                (x, t) -> Scalar.add(Scalar.mul(x, 0.5), 2.0 * t / 1000));
        List<String> want = Files.readAllLines(fixture("sima-fixture.csv"));
        for (int t = 0; t <= 40; t += 10) {
            double[] got = new SimaAttack(t, 8, SimaAttack.Statistic.L4).score(d, images, ProgressListener.NONE);
            for (String line : want.subList(1, want.size())) {
                String[] f = line.split(",");
                if (Integer.parseInt(f[0]) == t) {
                    double ref = Double.parseDouble(f[2]);
                    assertThat(got[Integer.parseInt(f[1])]).as("t = %d, image %s", t, f[1])
                            .isCloseTo(-ref, within(1e-5 * ref));
                }
            }
        }
    }
}
