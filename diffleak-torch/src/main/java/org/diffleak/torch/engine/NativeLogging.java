package org.diffleak.torch.engine;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * libtorch's C++ log level. libtorch logs some warnings once per call, not once per run: on a host where NNPACK
 * cannot start, every batch-1 convolution writes "Could not initialize NNPACK! Reason: Unsupported hardware."
 * to stderr. Python's torch applies {@code TORCH_CPP_LOG_LEVEL} at import; libtorch under DJL never reads it.
 * This applies it to the libc10 this process loaded, and lowers the default to errors only.
 */
public final class NativeLogging {

    /** libtorch's own variable: INFO, WARNING, ERROR, FATAL or 0..3. */
    public static final String LEVEL_ENV = "TORCH_CPP_LOG_LEVEL";
    /** c10's minimum severity in builds without glog; 2 = ERROR. */
    private static final String LEVEL_FLAG = "FLAGS_caffe2_log_level";
    private static final int ERROR = 2;
    /** {@code c10::initLogging()}: reads {@value #LEVEL_ENV} into {@value #LEVEL_FLAG}. */
    private static final String INIT_LOGGING = "_ZN3c1011initLoggingEv";

    private NativeLogging() {}

    /**
     * After the engine has loaded libc10: the user's {@value #LEVEL_ENV} when set, errors only otherwise. Returns
     * false when libc10 is not among this process's mappings (nothing changed).
     */
    public static boolean apply() {
        Optional<Path> lib = loadedLibrary("libc10.so");
        if (lib.isEmpty()) {
            return false;
        }
        NativeLibrary c10 = NativeLibrary.getInstance(lib.get().toString());
        String level = System.getenv(LEVEL_ENV);
        if (level == null || level.isBlank()) {
            c10.getGlobalVariableAddress(LEVEL_FLAG).setInt(0, ERROR);
        } else {
            c10.getFunction(INIT_LOGGING).invokeVoid(new Object[0]);
        }
        return true;
    }

    /** The path of a shared library this process has mapped, from /proc/self/maps (Linux). */
    static Optional<Path> loadedLibrary(String fileName) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.filter(l -> l.endsWith("/" + fileName))
                    .map(l -> Path.of(l.substring(l.indexOf('/'))))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
