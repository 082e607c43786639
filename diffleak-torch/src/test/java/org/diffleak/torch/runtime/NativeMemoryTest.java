package org.diffleak.torch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void launcherAndTestRunsCarryTheSameSetting() throws IOException {
        assertThat(Files.readString(ROOT.resolve("diffleak")))
                .contains("GLIBC_TUNABLES-" + NativeMemory.GLIBC_TUNABLES + "}");
        assertThat(Files.readString(ROOT.resolve("pom.xml")))
                .contains("<GLIBC_TUNABLES>" + NativeMemory.GLIBC_TUNABLES + "</GLIBC_TUNABLES>");
    }

    @Test
    void thisTestRunKeepsFreedMemoryAndSaysSo() {
        if (NativeMemory.keepsFreedMemory() == null) {
            assertThat(NativeMemory.fact().value()).startsWith("not glibc");
            return;
        }
        assertThat(NativeMemory.keepsFreedMemory()).isTrue();
        assertThat(NativeMemory.fact()).satisfies(f -> {
            assertThat(f.key()).isEqualTo("native memory");
            assertThat(f.value()).contains("keeps freed memory");
        });
        assertThat(NativeMemory.advice()).isNull();
    }
}
