package org.diffleak.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.audit.Audit;

/**
 * The child JVM of a {@link RoleTask}: runs one role of an audit into a local cache directory. Arguments: the
 * audit config as JSON, the cache directory, the role's index. Exits 0 when the role's entries are written.
 */
public final class RoleProcess {

    private RoleProcess() {}

    /**
     * Runs the role.
     *
     * @param args config JSON file, cache directory, role index
     */
    public static void main(String[] args) {
        PrintWriter log = new PrintWriter(System.out, true);
        try {
            if (args.length != 3) {
                throw new IllegalArgumentException("usage: RoleProcess CONFIG_JSON CACHE_DIR ROLE");
            }
            AuditConfig config = Json.read(Path.of(args[0]), AuditConfig.class);
            new Audit(config, Path.of(args[1]), log, task -> ProgressListener.NONE).runRole(Integer.parseInt(args[2]));
            log.flush();
            System.exit(0);
        } catch (RuntimeException e) {
            log.println("error: " + e.getMessage());
            e.printStackTrace(System.out);
            log.flush();
            System.exit(1);
        }
    }
}
