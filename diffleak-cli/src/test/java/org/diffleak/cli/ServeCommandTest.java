package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffleak.core.membership.blackbox.QueryBudgetExceededException;
import org.diffleak.core.membership.blackbox.RemoteTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void fixtures() throws IOException {
        for (String f : List.of("tiny_denoiser.pt", "tiny_denoiser.json")) {
            try (var in = ServeCommandTest.class.getResourceAsStream("/fixtures/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        model = dir.resolve("tiny_denoiser.pt");
    }

    @Test
    void servesAModelThatARemoteTargetCanQueryWithinItsBudget() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute("serve", "-m", model.toString(), "--port", "0",
                "--budget", "8", "--max-images", "2")));
        t.start();
        try {
            URI uri = serve.started.get(60, TimeUnit.SECONDS);
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            try (RemoteTarget remote = new RemoteTarget(uri.toString())) {
                assertThat(remote.channels()).isEqualTo(1);
                assertThat(remote.imageSize()).isEqualTo(8);
                assertThat(remote.numClasses()).isZero();

                float[] a = remote.generate(null, 3, new long[] {1, 2, 3});
                float[] b = remote.generate(null, 3, new long[] {1, 2, 3});
                assertThat(a).hasSize(3 * 64).isEqualTo(b);
                for (float v : a) {
                    assertThat(v).isBetween(0f, 1f);
                }
                float[] first = new float[64];
                System.arraycopy(a, 0, first, 0, 64);
                float[] r = remote.denoise(first, null, 0.2, 2, new long[] {7});
                assertThat(r).hasSize(64);
                assertThat(remote.queries()).isEqualTo(7);
                assertThat(remote.queriesLeft()).hasValue(1);
                assertThatThrownBy(() -> remote.generate(null, 2, new long[] {1, 2}))
                        .isInstanceOf(QueryBudgetExceededException.class);
            }
            assertThat(out.toString()).startsWith("serving on " + uri + " (budget 8 queries)");
        } finally {
            serve.stop();
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(code.get()).as(err.toString()).isZero();
        assertThat(out.toString()).contains("stopped after 7 queries");
    }

    @Test
    void busyPortAndBadSizesAreOneLineErrors() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(new StringWriter()));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute("serve", "-m", model.toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertThat(code).isEqualTo(2);
            assertThat(err.toString().strip())
                    .startsWith("diffleak: error: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--port").doesNotContain("\n");
        }
        assertThat(ServeCommand.parseSize("8M")).isEqualTo(8L << 20);
        assertThat(ServeCommand.parseSize("512KiB")).isEqualTo(512L << 10);
        assertThat(ServeCommand.parseSize("1g")).isEqualTo(1L << 30);
        assertThat(ServeCommand.parseSize("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> ServeCommand.parseSize("lots")).hasMessageContaining("--max-body");
        assertThatThrownBy(() -> ServeCommand.parseSize("10")).hasMessageContaining("at least 1K");
    }

    @Test
    void beyondLoopbackItNeedsATokenAndLogsEveryRequest() throws Exception {
        Cli.Run open = Cli.run("serve", "-m", model.toString(), "--bind", "0.0.0.0", "--port", "0");
        assertThat(open.code()).isEqualTo(2);
        assertThat(open.err().strip()).startsWith("diffleak: error: --bind 0.0.0.0 listens beyond this machine: give"
                + " --token").doesNotContain("\n");

        Path tokenFile = Files.writeString(dir.resolve("token"), "0123456789abcdef-token\n");
        Path log = dir.resolve("access.log");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute("serve", "-m", model.toString(), "--port", "0", "--bind",
                "0.0.0.0", "--token", "@" + tokenFile, "--access-log", log.toString())));
        t.start();
        try {
            URI uri = serve.started.get(60, TimeUnit.SECONDS);
            assertThatThrownBy(() -> new RemoteTarget(uri.toString())).hasMessageContaining("401");
            try (RemoteTarget remote = new RemoteTarget(uri.toString(), RemoteTarget.Options.defaults(),
                    "0123456789abcdef-token")) {
                assertThat(remote.generate(null, 2, new long[] {1, 2})).hasSize(2 * 64);
            }
        } finally {
            serve.stop();
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(code.get()).isZero();
        assertThat(out.toString()).contains("bearer token required; at most 10.0 requests per second per client;"
                + " access log " + log);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(" GET /v1/info 401 ");
        assertThat(lines.get(2)).contains(" POST /v1/generate 200 images=2 ");
        assertThat(String.join("\n", lines)).doesNotContain("0123456789abcdef-token");
    }
}
