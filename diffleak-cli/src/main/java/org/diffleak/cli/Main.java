package org.diffleak.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffleak.core.io.DataException;
import org.diffleak.torch.runtime.ImportedModelCheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The diffleak command line. Errors print one line and exit non-zero; --debug shows the stack trace. */
@Command(name = "diffleak", mixinStandardHelpOptions = true, version = "diffleak 0.1.0",
        description = "Measures what diffusion models leak about their training data.",
        subcommands = {DataCommand.class, TrainCommand.class, SampleCommand.class, InfoCommand.class,
            PropertyCommand.class,
            DemoCommand.class, EpsilonCommand.class, NoiseCommand.class, RocCommand.class, AttackCommand.class, AuditCommand.class,
            BenchCommand.class, DoctorCommand.class, ServeCommand.class, ReRoCommand.class, ReconstructCommand.class, InvertCommand.class,
            RecommendCommand.class, CalibrateCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Set when a run should start again in a fresh JVM with oneDNN's ISA capped (see {@link #main}). */
    private static volatile boolean restartWithIsaCap;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (restartWithIsaCap) {
            code = restartWithIsaCap();
        }
        System.exit(code);
    }

    /**
     * Runs this same command line again in a child JVM whose environment caps oneDNN's ISA (libtorch reads
     * it only when it loads), and returns its exit code. Only from main: tests run commands in-process.
     */
    private static int restartWithIsaCap() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> cmd = new ArrayList<>();
        cmd.add(info.command().orElse("java"));
        cmd.addAll(Arrays.asList(info.arguments().orElse(new String[0])));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(ISA_ENV, ImportedModelCheckException.ISA_CAP);
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            System.err.println("diffleak: error: cannot start again with " + ISA_ENV + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static final String ISA_ENV = "ONEDNN_MAX_CPU_ISA";

    /** The configured command line (tests call execute on it with their own writers). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (System.getenv("DIFFLEAK_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            if (ex instanceof ImportedModelCheckException imported && System.getenv(ISA_ENV) == null) {
                // main starts the command again under the cap; a second failure there is reported as an error
                restartWithIsaCap = true;
                err.println("diffleak: engine: " + imported.reason() + "; starting again with " + ISA_ENV + "="
                        + ImportedModelCheckException.ISA_CAP);
                err.flush();
                return 1;
            }
            err.println("diffleak: error: " + message(ex));
            err.flush();
            return ex instanceof DataException || ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }

    static String message(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
