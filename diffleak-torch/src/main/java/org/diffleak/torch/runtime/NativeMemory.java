package org.diffleak.torch.runtime;

import java.util.Locale;
import org.diffleak.core.report.Fact;

/**
 * How glibc's malloc treats libtorch's tensors in this process. By default it hands every freed block above a
 * few megabytes back to the kernel (mmap/munmap, heap trimming), so the next tensor of the same size is paged
 * in again: on virtual machines where a first touch costs far more than a write (about 50 times on the host
 * measured, bench/page-faults and docs/engine.md) that was most of a training step. {@link #GLIBC_TUNABLES} keeps freed
 * memory in one heap for reuse: one arena (a JVM's threads otherwise get 64 MB arenas, too small for a batch's
 * tensors), no mmap for large blocks, no trimming. glibc reads it only when a process starts, so the launcher
 * {@code diffleak} and the test runs set it; a Java program sets it in its own environment.
 */
public final class NativeMemory {

    /** The setting; {@code diffleak} and the parent POM's surefire configuration carry the same text. */
    public static final String GLIBC_TUNABLES =
            "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296";

    private static final String ENV = "GLIBC_TUNABLES";

    private NativeMemory() {}

    /** Whether this process's malloc keeps freed tensors (the setting above in the environment), or null off Linux. */
    public static Boolean keepsFreedMemory() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        String env = System.getenv(ENV);
        return env != null && env.contains("glibc.malloc.arena_max=1") && env.contains("glibc.malloc.mmap_max=0");
    }

    /** For report headers and manifests: how freed tensor memory was handled where the figures were computed. */
    public static Fact fact() {
        Boolean keeps = keepsFreedMemory();
        String value = keeps == null ? "not glibc (" + System.getProperty("os.name") + ")"
                : keeps ? "glibc malloc keeps freed memory (" + ENV + ")"
                : "glibc malloc defaults (freed memory returns to the kernel)";
        return new Fact("native memory", value);
    }

    /** One line for a process on glibc defaults, or null when there is nothing to say. */
    public static String advice() {
        return Boolean.FALSE.equals(keepsFreedMemory())
                ? "diffleak: engine: glibc's malloc returns freed tensors to the kernel in this process; with "
                        + ENV + "=" + GLIBC_TUNABLES + " in its environment (as ./diffleak sets it) training and"
                        + " sampling run up to 4x faster where page faults are slow (docs/engine.md)"
                : null;
    }
}
