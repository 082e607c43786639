package org.diffleak.torch.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.diffleak.core.util.Json;

/**
 * The audit's on-disk cache: trained models under models/KEY and raw attack signals under signals/KEY.json,
 * KEY being a hash of everything the entry depends on (recipe, data indices, parent model, attack settings).
 * Entries are written atomically, so a killed audit finds only complete entries (and resumable checkpoints).
 */
final class AuditCache {

    private final Path root;

    AuditCache(Path root) {
        this.root = root;
    }

    /** The first 16 hex digits of SHA-256 over the JSON of the parts. */
    static String key(Object... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                md.update(Json.toJson(p).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path model(String key) {
        return root.resolve("models").resolve(key);
    }

    /** The cached signal rows, or null when absent. */
    double[][] signals(String key) {
        Path f = root.resolve("signals").resolve(key + ".json");
        return Files.isRegularFile(f) ? Json.read(f, double[][].class) : null;
    }

    void putSignals(String key, double[][] rows) {
        Path f = root.resolve("signals").resolve(key + ".json");
        Json.write(f, rows);
    }

    Path root() {
        return root;
    }
}
