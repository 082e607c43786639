package org.diffleak.torch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffleak.core.engine.CheckResult;
import org.diffleak.core.engine.EngineVerdict;
import org.diffleak.core.engine.HostFingerprint;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.engine.ConvOp;
import org.diffleak.torch.engine.ConvPath;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("conv")
class EngineCheckTest extends NativeTest {

    private static List<String> failed(List<CheckResult> checks) {
        return checks.stream().filter(c -> !c.ok()).map(CheckResult::name).toList();
    }

    @Test
    void thePathThisProcessUsesPassesEveryCheck() {
        EngineVerdict v = TorchRuntime.verdict();
        assertThat(v.ok()).isTrue();
        assertThat(v.path()).isEqualTo(TorchRuntime.convPath().id());
        assertThat(failed(EngineCheck.convChecks(TorchRuntime.convPath(), "current", manager))).isEmpty();
        assertThat(failed(EngineCheck.commonChecks(manager))).isEmpty();
    }

    @Test
    void aConvolutionWithAWrongForwardIsRejected() {
        // off by 1e-3 of its own value in the first output channel only: inside any loss curve's noise
        ConvOp wrong = (x, w, b, s) -> {
            NDArray y = TorchRuntime.convPath().conv2d(x, w, b, s);
            return y.add(Scalar.mul(y.get(":, 0:1"), 1e-3f).pad(new Shape(0, 0, 0, 0, 0, y.getShape().get(1) - 1), 0));
        };
        List<String> failed = failed(EngineCheck.convChecks(wrong, "double", manager));
        assertThat(failed).containsAll(EngineCheck.CONV_CASES.stream().map(c -> c.name() + " forward").toList());
    }

    @Test
    void aConvolutionWithAWrongInputGradientOrNaNIsRejected() {
        // the forward is right, but no gradient reaches x: as oneDNN's backward-data kernel failing
        ConvOp noInputGradient = (x, w, b, s) -> TorchRuntime.convPath().conv2d(x.stopGradient(), w, b, s).add(Scalar.mul(x.sum(), 0));
        List<String> failed = failed(EngineCheck.convChecks(noInputGradient, "double", manager));
        assertThat(failed).isNotEmpty().allMatch(n -> n.endsWith("input gradient"));
        ConvOp nan = (x, w, b, s) -> Scalar.mul(TorchRuntime.convPath().conv2d(x, w, b, s), Float.NaN);
        assertThat(failed(EngineCheck.convChecks(nan, "double", manager))).hasSize(4 * EngineCheck.CONV_CASES.size());
    }

    @Test
    void theVerdictIsCachedPerHostAndReadBack(@TempDir Path cache) throws Exception {
        HostFingerprint host = new HostFingerprint("test cpu", "flags", Map.of("threads", "1"));
        EngineVerdict first = EngineCheck.select(ConvPath.GEMM, host, cache, manager);
        assertThat(first.ok()).isTrue();
        Path file = cache.resolve("engine-check").resolve(host.key() + ".json");
        assertThat(file).exists();
        // a cached failure is believed: the second run reads the file instead of checking again
        Files.writeString(file, Files.readString(file).replaceFirst("\"ok\" : true", "\"ok\" : false"));
        EngineVerdict second = EngineCheck.select(ConvPath.GEMM, host, cache, manager);
        assertThat(second.ok()).isFalse();
        // another host (here: another thread count) is checked afresh
        HostFingerprint other = new HostFingerprint("test cpu", "flags", Map.of("threads", "2"));
        assertThat(EngineCheck.select(ConvPath.GEMM, other, cache, manager).ok()).isTrue();
    }
}
