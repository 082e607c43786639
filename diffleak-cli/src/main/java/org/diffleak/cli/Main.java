package org.diffleak.cli;

import java.io.PrintWriter;
import org.diffleak.core.data.DataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The diffleak command line. Errors print one line and exit non-zero; --debug shows the stack trace. */
@Command(name = "diffleak", mixinStandardHelpOptions = true, version = "diffleak 0.1.0",
        description = "Measures what diffusion models leak about their training data.",
        subcommands = {DataCommand.class, TrainCommand.class, SampleCommand.class, InfoCommand.class,
            PropertyCommand.class,
            DemoCommand.class, EpsilonCommand.class, NoiseCommand.class, RocCommand.class, AttackCommand.class, AuditCommand.class,
            BenchCommand.class, DoctorCommand.class, ServeCommand.class, ReRoCommand.class, ReconstructCommand.class, InvertCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call execute on it with their own writers). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (System.getenv("DIFFLEAK_DEBUG") != null) {
                ex.printStackTrace(err);
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
