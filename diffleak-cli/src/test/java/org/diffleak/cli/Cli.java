package org.diffleak.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in this JVM and keeps what it printed: what the command tests (here and in diffleak-spark) assert on. */
public final class Cli {

    private Cli() {}

    /** The exit code and what the command wrote to stdout and stderr. */
    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
