package org.diffleak.torch.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.engine.CheckResult;
import org.diffleak.core.engine.HostFingerprint;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.diffusion.UNetDenoiser;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.EngineCheck;
import org.diffleak.torch.runtime.ImportedModelCheckException;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixtures and their expected outputs come from src/test/resources/fixtures/make_fixtures.py. */
class ImportedDenoiserTest extends NativeTest {

    static Path fixture(String name) {
        try {
            return Path.of(ImportedDenoiserTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private NDArray sinImages(int n, double freq) {
        float[] v = new float[n * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(freq * i);
        }
        return manager.create(v, new Shape(n, 1, 8, 8));
    }

    private NDArray longs(long... v) {
        return manager.create(v);
    }

    private static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_denoiser.pt", "tiny_denoiser.onnx", "tiny_cond_denoiser.pt",
            "tiny_cond_denoiser.onnx"})
    void reproducesPyTorchOutput(String file) throws IOException {
        String base = file.substring(0, file.lastIndexOf('.'));
        JsonNode expected = Json.MAPPER.readTree(fixture(base + "_expected.json").toFile());
        Shape shape = new Shape(Json.MAPPER.treeToValue(expected.get("shape"), long[].class));
        NDArray xt = manager.create(Json.MAPPER.treeToValue(expected.get("x_t"), float[].class), shape);
        NDArray t = longs(Json.MAPPER.treeToValue(expected.get("t"), long[].class));
        NDArray y = expected.get("y").isNull() ? null : longs(Json.MAPPER.treeToValue(expected.get("y"), long[].class));
        NDArray eps = manager.create(Json.MAPPER.treeToValue(expected.get("eps"), float[].class), shape);
        try (CloseableDenoiser d = Denoisers.load(fixture(file), manager)) {
            assertThat(d.channels()).isEqualTo(1);
            assertThat(d.imageSize()).isEqualTo(8);
            assertThat(d.numClasses()).isEqualTo(y == null ? 0 : 3);
            assertThat(d.schedule()).isEqualTo(NoiseSchedule.defaultLinear());
            NDArray out = d.predictNoise(xt, t, y);
            assertThat(out.getManager()).isSameAs(manager);
            assertThat(out.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(maxAbsDiff(out, eps)).isLessThan(1e-4f);
        }
    }

    /**
     * A module with 1 → 24 → 8 → 1 channels: where libtorch's convolution forward passes its check on these
     * shapes (any good host, or a bad one under ONEDNN_MAX_CPU_ISA=AVX2) the TorchScript export reproduces
     * PyTorch's output; where it fails (24 → 8 on some AVX-512 CPUs), loading stops with the failed check and
     * the ways out. The ONNX export, on ONNX Runtime's own kernels, reproduces it everywhere.
     */
    @Test
    void aTorchScriptModelLoadsOnlyWhereLibtorchIsRightForItsShapes() throws IOException {
        List<long[]> shapes = List.of(new long[] {24, 1, 3, 3}, new long[] {8, 24, 3, 3}, new long[] {1, 8, 3, 3});
        boolean right = EngineCheck.libtorchForward(shapes, TorchRuntime.host(), DataFetcher.defaultCacheDir(), manager)
                .stream().allMatch(CheckResult::ok);
        JsonNode expected = Json.MAPPER.readTree(fixture("wide_denoiser_expected.json").toFile());
        Shape shape = new Shape(Json.MAPPER.treeToValue(expected.get("shape"), long[].class));
        NDArray xt = manager.create(Json.MAPPER.treeToValue(expected.get("x_t"), float[].class), shape);
        NDArray t = longs(Json.MAPPER.treeToValue(expected.get("t"), long[].class));
        NDArray eps = manager.create(Json.MAPPER.treeToValue(expected.get("eps"), float[].class), shape);
        try (CloseableDenoiser d = OnnxDenoiser.load(fixture("wide_denoiser.onnx"))) {
            assertThat(maxAbsDiff(d.predictNoise(xt, t, null), eps)).isLessThan(1e-4f);
        }
        if (right) {
            try (CloseableDenoiser d = TorchScriptDenoiser.load(fixture("wide_denoiser.pt"))) {
                assertThat(maxAbsDiff(d.predictNoise(xt, t, null), eps)).isLessThan(1e-4f);
            }
        } else {
            assertThatThrownBy(() -> TorchScriptDenoiser.load(fixture("wide_denoiser.pt")))
                    .isInstanceOf(ImportedModelCheckException.class).hasMessageContaining("wide_denoiser.pt")
                    .hasMessageContaining("conv 24→8").hasMessageContaining("ONEDNN_MAX_CPU_ISA=AVX2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_denoiser.pt", "tiny_denoiser.onnx"})
    void outputShapeFollowsBatch(String file) {
        try (CloseableDenoiser d = Denoisers.load(fixture(file), manager)) {
            assertThat(d.predictNoise(sinImages(1, 0.2), longs(7), null).getShape()).isEqualTo(new Shape(1, 1, 8, 8));
            assertThat(d.predictNoise(sinImages(3, 0.2), longs(0, 10, 999), null).getShape())
                    .isEqualTo(new Shape(3, 1, 8, 8));
            assertThatThrownBy(() -> d.predictNoise(manager.zeros(new Shape(2, 1, 4, 4)), longs(1, 2), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, 1, 8, 8]");
        }
    }

    @Test
    void onnxAndTorchScriptAgree() {
        NDArray xt = sinImages(3, 0.37);
        NDArray t = longs(1, 250, 999);
        NDArray y = longs(0, 2, 3);
        try (CloseableDenoiser pt = TorchScriptDenoiser.load(fixture("tiny_denoiser.pt"));
                CloseableDenoiser onnx = OnnxDenoiser.load(fixture("tiny_denoiser.onnx"));
                CloseableDenoiser ptc = TorchScriptDenoiser.load(fixture("tiny_cond_denoiser.pt"));
                CloseableDenoiser onnxc = OnnxDenoiser.load(fixture("tiny_cond_denoiser.onnx"))) {
            assertThat(maxAbsDiff(pt.predictNoise(xt, t, null), onnx.predictNoise(xt, t, null))).isLessThan(1e-5f);
            assertThat(maxAbsDiff(ptc.predictNoise(xt, t, y), onnxc.predictNoise(xt, t, y))).isLessThan(1e-5f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_cond_denoiser.pt", "tiny_cond_denoiser.onnx"})
    void absentLabelsMeanTheNullLabel(String file) {
        NDArray xt = sinImages(2, 0.1);
        NDArray t = longs(3, 500);
        try (CloseableDenoiser d = Denoisers.load(fixture(file), manager)) {
            NDArray uncond = d.predictNoise(xt, t, null);
            assertThat(maxAbsDiff(uncond, d.predictNoise(xt, t, longs(3, 3)))).isEqualTo(0f);
            assertThat(maxAbsDiff(uncond, d.predictNoise(xt, t, longs(0, 1)))).isGreaterThan(1e-3f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_denoiser.pt", "tiny_denoiser.onnx"})
    void ddimSamplesWithImportedDenoiser(String file) {
        try (CloseableDenoiser d = Denoisers.load(fixture(file), manager)) {
            NDArray xT = Noise.gaussian(manager, new Shape(2, 1, 8, 8), new SplittableRandom(1));
            NDArray x0 = DdimSampler.of(d.schedule(), 5, 0, true)
                    .sample(d, xT, null, new SplittableRandom(2), ProgressListener.NONE);
            assertThat(x0.getShape()).isEqualTo(xT.getShape());
            assertThat(x0.isInfinite().any().getBoolean() || x0.isNaN().any().getBoolean()).isFalse();
            assertThat(x0.abs().max().getFloat()).isLessThanOrEqualTo(1f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"absent.pt", "absent.onnx"})
    void missingFileIsDataException(String name, @TempDir Path dir) {
        assertThatThrownBy(() -> Denoisers.load(dir.resolve(name), manager))
                .isInstanceOf(DataException.class).hasMessageContaining(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage.pt", "garbage.onnx"})
    void garbageFileIsDataException(String name, @TempDir Path dir) throws IOException {
        byte[] junk = new byte[4096];
        new Random(5).nextBytes(junk);
        Path file = dir.resolve(name);
        Files.write(file, junk);
        Files.writeString(dir.resolve("garbage.json"), "{\"channels\": 1, \"imageSize\": 8}");
        assertThatThrownBy(() -> Denoisers.load(file, manager))
                .isInstanceOf(DataException.class).hasMessageContaining(name).hasMessageNotContaining("\n");
    }

    @Test
    void specIsRequiredAndFilledWithDefaults(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("net.onnx");
        Files.copy(fixture("tiny_denoiser.onnx"), model);
        assertThatThrownBy(() -> OnnxDenoiser.load(model))
                .isInstanceOf(DataException.class).hasMessageContaining("net.json");

        Files.writeString(dir.resolve("net.json"),
                "{\"channels\": 1, \"imageSize\": 8, \"schedule\": {\"steps\": 50}}");
        ImportedModelSpec spec = ImportedModelSpec.forModel(model);
        assertThat(spec.numClasses()).isZero();
        assertThat(spec.schedule()).isEqualTo(new ScheduleConfig("linear", 50, 1e-4, 0.02));
        try (CloseableDenoiser d = OnnxDenoiser.load(model)) {
            assertThat(d.schedule()).isEqualTo(NoiseSchedule.linear(50, 1e-4, 0.02));
        }

        Files.writeString(dir.resolve("net.json"), "{\"imageSize\": 8}");
        assertThatThrownBy(() -> ImportedModelSpec.forModel(model))
                .isInstanceOf(DataException.class).hasMessageContaining("net.json").hasMessageContaining("channels");
        Files.writeString(dir.resolve("net.json"),
                "{\"channels\": 1, \"imageSize\": 8, \"schedule\": {\"kind\": \"warp\"}}");
        assertThatThrownBy(() -> ImportedModelSpec.forModel(model))
                .isInstanceOf(DataException.class).hasMessageContaining("net.json").hasMessageContaining("warp");
        Files.writeString(dir.resolve("net.json"), "{\"channels\": 1, \"imageSize\": 8, \"numClasses\": 3}");
        assertThatThrownBy(() -> OnnxDenoiser.load(model))
                .isInstanceOf(DataException.class).hasMessageContaining("net.onnx").hasMessageContaining("inputs");
    }

    @Test
    void torchscriptExtensionLoads(@TempDir Path dir) throws IOException {
        Files.copy(fixture("tiny_denoiser.pt"), dir.resolve("net.torchscript"));
        Files.copy(fixture("tiny_denoiser.json"), dir.resolve("net.json"));
        try (CloseableDenoiser d = Denoisers.load(dir.resolve("net.torchscript"), manager);
                CloseableDenoiser ref = TorchScriptDenoiser.load(fixture("tiny_denoiser.pt"))) {
            assertThat(d).isInstanceOf(TorchScriptDenoiser.class);
            NDArray xt = sinImages(1, 0.3);
            assertThat(maxAbsDiff(d.predictNoise(xt, longs(42), null), ref.predictNoise(xt, longs(42), null)))
                    .isEqualTo(0f);
        }
    }

    @Test
    void directoryLoadsThroughModelStore(@TempDir Path dir) {
        UNetConfig cfg = UNetConfig.tiny(1, 8);
        UNet unet = new UNet(cfg);
        ModelCard card = new ModelCard("unet-denoiser", cfg, ScheduleConfig.defaultLinear(), null, "fixture", "all",
                0, 0, Double.NaN, null, Map.of(), null);
        NDArray xt = sinImages(2, 0.1);
        NDArray t = longs(3, 500);
        try (Params p = Params.initialize(unet.specs(), Seeds.of(1), manager)) {
            ModelStore.save(dir.resolve("model"), card, p, p);
            NDArray direct = new UNetDenoiser(unet, p, card.schedule().build()).predictNoise(xt, t, null);
            try (CloseableDenoiser d = Denoisers.load(dir.resolve("model"), manager)) {
                assertThat(d.imageSize()).isEqualTo(8);
                assertThat(maxAbsDiff(d.predictNoise(xt, t, null), direct)).isEqualTo(0f);
            }
        }
        assertThatThrownBy(() -> Denoisers.load(dir.resolve("weights.bin"), manager))
                .isInstanceOf(DataException.class).hasMessageContaining("weights.bin");
    }

    @Test
    void importedModelShapesAreCheckedAtBothStridesAndCached(@TempDir Path cache) throws Exception {
        HostFingerprint host = new HostFingerprint("test cpu", "flags", Map.of("threads", "1"));
        // here, not among the conv-tagged tests: the forced-path runs must not execute libtorch's conv kernel
        List<CheckResult> first = EngineCheck.libtorchForward(List.of(new long[] {32, 32, 3, 3}, new long[] {16, 48, 1, 1}),
                host, cache, manager);
        assertThat(first).extracting(CheckResult::name).containsExactly("conv 32→32 k3 s1 forward",
                "conv 32→32 k3 s2 forward", "conv 48→16 k1 s1 forward", "conv 48→16 k1 s2 forward");
        Path file = cache.resolve("engine-check").resolve(host.key() + ".json");
        Files.writeString(file, Files.readString(file).replace("\"ok\" : true", "\"ok\" : false"));
        assertThat(EngineCheck.libtorchForward(List.of(new long[] {32, 32, 3, 3}), host, cache, manager))
                .noneMatch(CheckResult::ok);
    }
}
