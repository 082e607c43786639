package org.diffleak.spark;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * One Spark task: one role of the audit ({@link org.diffleak.torch.audit.Audit#runRole}) in a child JVM of its
 * own. DJL's PyTorch engine allows one gradient collector per JVM, and Spark runs an executor's tasks as threads
 * of one JVM (all of them in local mode), so each task gets its own process and engine, with a fixed number of
 * intra-op threads. With a remote cache, the task works on a local mirror: the encoder, the role's model (if
 * trained before) and the signals are pulled in, and whatever the role wrote is pushed out.
 */
final class RoleTask implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Everything one task needs, as plain serializable values. */
    record Spec(String configJson, String cache, int role, String roleName, String modelKey, String encoderKey,
            int threads, String heap, String workDir) implements Serializable {}

    private RoleTask() {}

    /** Runs the role and returns its log and its process's wall time; a failed role throws with its error line. */
    static String run(Spec spec) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("diffleak-role-");
        try {
            boolean remote = RemoteCache.isUri(spec.cache());
            Path cache = remote ? work.resolve("cache") : Path.of(spec.cache());
            RemoteCache store = remote ? new RemoteCache(spec.cache()) : null;
            if (remote) {
                Files.createDirectories(cache);
                store.pull("encoders/" + spec.encoderKey(), cache);
                store.pull("models/" + spec.modelKey(), cache);
                store.pull("signals", cache);
            }
            Path config = work.resolve("config.json");
            Files.writeString(config, spec.configJson(), StandardCharsets.UTF_8);
            Path log = work.resolve("role.log");
            // the driver's working directory, where a config's relative paths resolve, where an executor has it
            File driverDir = new File(spec.workDir());
            ProcessBuilder pb = new ProcessBuilder(command(spec, config, cache))
                    .directory(driverDir.isDirectory() ? driverDir : null)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("OPT_OUT_TRACKING", "true");
            long t0 = System.nanoTime();
            int code = pb.start().waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (code != 0) {
                throw new IllegalStateException(spec.roleName() + ": the task's process exited with " + code + ": "
                        + tail(text));
            }
            if (remote) {
                store.push(cache);
            }
            return text + String.format("%s: its task's process ran %.1f s%n", spec.roleName(), seconds);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    /** java with this JVM's class path (and the jar this class came from, as on an executor), running RoleProcess. */
    private static List<String> command(Spec spec, Path config, Path cache) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + spec.heap());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dai.djl.pytorch.num_threads=" + spec.threads());
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        String path = System.getProperty(TorchRuntime.PATH_PROPERTY);
        if (path != null) {
            cmd.add("-D" + TorchRuntime.PATH_PROPERTY + "=" + path);
        }
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(RoleProcess.class.getName());
        cmd.add(config.toString());
        cmd.add(cache.toString());
        cmd.add(Integer.toString(spec.role()));
        return cmd;
    }

    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        try {
            entries.add(Path.of(RoleProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // no code source: the class path below holds this class
        }
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** RoleProcess's error line, or else the log's last line. */
    private static String tail(String log) {
        List<String> lines = log.strip().lines().toList();
        return lines.stream().filter(l -> l.startsWith("error: ")).findFirst()
                .orElse(lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1));
    }
}
