package org.diffleak.torch.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;

/** An ONNX image encoder (fixtures/make_encoder_fixture.py) gives PyTorch's features. */
class OnnxImageEncoderTest {

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(OnnxImageEncoderTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void encodesAsPyTorchDoes() throws Exception {
        JsonNode expected;
        try (InputStream in = OnnxImageEncoderTest.class.getResourceAsStream("/fixtures/tiny_encoder_expected.json")) {
            expected = Json.MAPPER.readTree(in);
        }
        float[] x = new float[expected.get("input").size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) expected.get("input").get(i).asDouble();
        }
        try (OnnxImageEncoder e = OnnxImageEncoder.load(fixture("tiny_encoder.onnx"), 1, 16, 16)) {
            float[][] f = e.encode(x, 2);
            assertThat(f).hasDimensions(2, 16);
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 16; k++) {
                    // a feature is the mean of 64 ReLU'd 10-term float32 sums of terms below 1 in magnitude:
                    // each sum is within 10·2⁻²⁴ ≈ 6e-7 of the exact one, and so is their mean
                    assertThat((double) f[i][k]).isCloseTo(expected.get("features").get(i).get(k).asDouble(),
                            org.assertj.core.data.Offset.offset(2e-6));
                }
            }
        }
    }

    @Test
    void aWrongShapeOrFileIsOneLine() throws Exception {
        assertThatThrownBy(() -> OnnxImageEncoder.load(fixture("tiny_encoder.onnx"), 3, 16, 16))
                .isInstanceOf(DataException.class).hasMessageContaining("takes input [-1, 1, 16, 16]")
                .hasMessageContaining("[N, 3, 16, 16]");
        assertThatThrownBy(() -> OnnxImageEncoder.load(fixture("tiny_denoiser.json"), 1, 16, 16))
                .isInstanceOf(DataException.class).hasMessageContaining("not a readable ONNX model");
        assertThatThrownBy(() -> OnnxImageEncoder.load(fixture("tiny_denoiser.onnx"), 1, 8, 8))
                .isInstanceOf(DataException.class).hasMessageContaining("one input");
    }
}
