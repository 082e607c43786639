package org.diffleak.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.A1111Target;
import org.diffleak.core.util.Json;

/**
 * An audit of a model the owner already has (`diffleak audit --target`, {@code DiffLeak.audit}): the model,
 * the images it trained on and images it did not see. In YAML the same keys as on the command line, with a
 * string {@code target:} (an audit DiffLeak trains itself has a {@code target:} recipe instead):
 * <pre>
 * target: models/my-unet.pt          # model directory, .pt/.onnx with its spec JSON, http(s) or a1111+http(s) URL
 * members: data/members/             # folder (class subfolders 0..k-1) or list file (path[,label])
 * nonMembers: data/held-out.csv
 * aux: data/attacker/                # optional: the attacker's own images for shadow models
 * shadowBase: models/base            # with aux: the DiffLeak model the shadows are fine-tuned from
 * shadowModels: shadows/             # or: shadow models the attacker already has (see below)
 * matchDistribution: true            # optional: attack only the candidates the distribution check cannot tell apart
 * </pre>
 *
 * @param name the audit's name (report title, default directory runs/audit-NAME)
 * @param aux the attacker's own images; with shadowBase, shadows fine-tune on disjoint halves of its slices
 * @param shadowModels instead of aux: a folder with one subfolder per shadow model the attacker already has,
 *     each holding the model (a DiffLeak model directory {@code model/}, or one .pt/.onnx with its spec JSON)
 *     and the images it was and was not trained on ({@code members} and {@code non-members}: folders, or
 *     lists {@code members.txt}/{@code .csv} and {@code non-members.txt}/{@code .csv})
 * @param shadows number of shadow models (with aux; default 2)
 * @param shadowMembers images each shadow trains on, as many held out (default: as many as the target's
 *     members, at most what aux allows)
 * @param shadowTrain the shadows' fine-tuning recipe (default: the default audit's target recipe)
 * @param attacks the attacks to run (default: every one the target's access allows, with the default audit's
 *     settings); encoder_cosine is not available (there is no public data to train the encoder on)
 * @param seed seed of every random draw (attack noise, shadow training)
 * @param matchDistribution run the attacks only on the members and non-members that the distribution check's
 *     blind classifier scores alike (propensity-matched pairs; default false)
 */
public record AuditRequest(String name, String target, String members, String nonMembers, String aux,
        String shadowBase, String shadowModels, Integer shadows, Integer shadowMembers, TrainConfig shadowTrain,
        AuditConfig.AttackSettings attacks, Long seed, Boolean matchDistribution) {

    public AuditRequest {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target: give the model (directory, .pt, .onnx or http URL)");
        }
        if (members == null || members.isBlank() || nonMembers == null || nonMembers.isBlank()) {
            throw new IllegalArgumentException("members and nonMembers: give both image sets (folder or list file)");
        }
        if ((aux == null) != (shadowBase == null)) {
            throw new IllegalArgumentException("aux and shadowBase go together: shadows fine-tune from shadowBase on"
                    + " the attacker's aux images");
        }
        if (aux != null && shadowModels != null) {
            throw new IllegalArgumentException("give aux (shadows DiffLeak trains) or shadowModels (shadows you have),"
                    + " not both");
        }
        shadows = shadows == null ? 2 : shadows;
        if (aux != null && shadows < 1) {
            throw new IllegalArgumentException("shadows must be ≥ 1 with aux, got " + shadows);
        }
        shadowMembers = shadowMembers == null ? 0 : shadowMembers;
        if (shadowMembers < 0) {
            throw new IllegalArgumentException("shadowMembers must be ≥ 0 (0 = as many as the target's members)");
        }
        AuditConfig preset = null;
        if (shadowTrain == null || attacks == null) {
            preset = AuditConfig.preset("default");
        }
        shadowTrain = shadowTrain != null ? shadowTrain : preset.target().train();
        attacks = attacks != null ? attacks : new AuditConfig.AttackSettings(preset.attacks().loss(),
                preset.attacks().pia(), preset.attacks().pian(), preset.attacks().secmi(), preset.attacks().sima(),
                preset.attacks().reconstruction(), preset.attacks().generation(), List.of("true"), "ssim",
                preset.attacks().batch());
        if (attacks.metric().equals("encoder_cosine")) {
            throw new IllegalArgumentException("attacks.metric encoder_cosine needs an encoder trained on public data;"
                    + " an audit of your own model uses ssim or neg_l2");
        }
        if (!attacks.labels().equals(List.of("true"))) {
            throw new IllegalArgumentException("attacks.labels: an audit of your own model uses the candidates' own"
                    + " labels (true); predicted labels need the audit's encoder");
        }
        seed = seed == null ? 0L : seed;
        matchDistribution = matchDistribution != null && matchDistribution;
        name = name == null || name.isBlank() ? defaultName(target) : name;
    }

    /** A request with every default: the target, its members and its non-members. */
    public static AuditRequest of(String target, String members, String nonMembers) {
        return new AuditRequest(null, target, members, nonMembers, null, null, null, null, null, null, null, null, null);
    }

    /** This request with shadows fine-tuned from shadowBase on the attacker's aux images. */
    public AuditRequest withShadows(String auxImages, String base, int count) {
        return new AuditRequest(name, target, members, nonMembers, auxImages, base, shadowModels, count, shadowMembers,
                shadowTrain, attacks, seed, matchDistribution);
    }

    /** This request with the shadow models in folder (one subfolder each; see the class comment). */
    public AuditRequest withShadowModels(String folder) {
        return new AuditRequest(name, target, members, nonMembers, aux, shadowBase, folder, shadows, shadowMembers,
                shadowTrain, attacks, seed, matchDistribution);
    }

    /** This request running only the named attack families (loss, pia, pian, secmi, reconstruction, generation). */
    public AuditRequest withAttacks(List<String> families) {
        return new AuditRequest(name, target, members, nonMembers, aux, shadowBase, shadowModels, shadows,
                shadowMembers, shadowTrain, attacks.only(families), seed, matchDistribution);
    }

    public AuditRequest withSeed(long s) {
        return new AuditRequest(name, target, members, nonMembers, aux, shadowBase, shadowModels, shadows,
                shadowMembers, shadowTrain, attacks, s, matchDistribution);
    }

    public AuditRequest withShadowTrain(TrainConfig recipe) {
        return new AuditRequest(name, target, members, nonMembers, aux, shadowBase, shadowModels, shadows,
                shadowMembers, recipe, attacks, seed, matchDistribution);
    }

    public AuditRequest withName(String n) {
        return new AuditRequest(n, target, members, nonMembers, aux, shadowBase, shadowModels, shadows,
                shadowMembers, shadowTrain, attacks, seed, matchDistribution);
    }

    /** This request with the attacks run on the propensity-matched candidates alone (or on all of them). */
    public AuditRequest withMatchDistribution(boolean match) {
        return new AuditRequest(name, target, members, nonMembers, aux, shadowBase, shadowModels, shadows,
                shadowMembers, shadowTrain, attacks, seed, match);
    }

    /** True when the target is served over HTTP (`diffleak serve`, or a1111+http(s) for a web UI's API): black-box access only. */
    public boolean remote() {
        return target.startsWith("http://") || target.startsWith("https://") || A1111Target.isUrl(target);
    }

    /** Reads a request YAML (see the class comment). */
    public static AuditRequest read(Path file) {
        return Json.readYamlFile(file, AuditRequest.class);
    }

    /** Whether a YAML file is a request (its target: is a model path or URL) rather than an {@link AuditConfig}. */
    public static boolean isRequest(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such config file");
        }
        try {
            JsonNode target = Json.YAML.readTree(file.toFile()).path("target");
            return target.isTextual();
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + Json.firstLine(e.getMessage()), e);
        }
    }

    private static String defaultName(String target) {
        if (target.startsWith("http://") || target.startsWith("https://") || A1111Target.isUrl(target)) {
            return target.replaceFirst("^(a1111\\+)?https?://", "").replaceAll("/+$", "").replaceAll("[^A-Za-z0-9._-]", "-");
        }
        String t = target.replaceAll("/+$", "");
        String last = t.substring(t.lastIndexOf('/') + 1);
        int dot = last.lastIndexOf('.');
        String stem = dot > 0 ? last.substring(0, dot) : last;
        return stem.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
