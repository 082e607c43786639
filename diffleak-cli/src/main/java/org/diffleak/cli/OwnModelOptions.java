package org.diffleak.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.config.TrainConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options of {@code diffleak audit --target}: the owner's model, its candidates and the attacker's shadows. */
final class OwnModelOptions {

    @Option(names = "--target", paramLabel = "PATH_OR_URL",
            description = "audit this model: a DiffLeak model directory, a .pt/.onnx with its spec JSON beside it,"
                    + " the http:// URL of a `diffleak serve` endpoint, or a1111+http(s)://HOST:PORT for an"
                    + " AUTOMATIC1111-style web API (black-box attacks only)")
    String target;

    @Mixin
    BlackBoxAccessOptions blackBox;

    @Option(names = "--members", paramLabel = "FOLDER_OR_LIST",
            description = "with --target: images the model was trained on (folder, class subfolders 0..k-1, or a"
                    + " text/CSV list of paths with an optional label column)")
    String members;

    @Option(names = "--non-members", paramLabel = "FOLDER_OR_LIST",
            description = "with --target: images it was not trained on, from the same distribution")
    String nonMembers;

    @Option(names = "--aux", paramLabel = "FOLDER_OR_LIST",
            description = "with --target: the attacker's own images; shadows fine-tune from --shadow-base on them and"
                    + " the decision rules (threshold, Gaussian LR, MLP) are fitted on the shadows")
    String aux;

    @Option(names = "--shadow-base", paramLabel = "MODEL_DIR", description = "with --aux: the DiffLeak model shadows"
            + " fine-tune from")
    String shadowBase;

    @Option(names = "--shadows", paramLabel = "FOLDER",
            description = "with --target, instead of --aux: shadow models you have, one subfolder each holding the model"
                    + " (model/ directory, or one .pt/.onnx with its spec JSON) and its members and non-members (folders,"
                    + " or .txt/.csv lists)")
    String shadowModels;

    @Option(names = "--shadow-count", description = "with --aux: number of shadow models (default 2)")
    Integer shadowCount;

    @Option(names = "--shadow-steps", description = "with --aux: fine-tuning steps per shadow (default: the default"
            + " audit's recipe, 400)")
    Integer shadowSteps;

    @Option(names = "--attacks", split = ",", paramLabel = "NAME",
            description = "with --target: run only these (loss, pia, pian, secmi, reconstruction, generation;"
                    + " default every one the access allows)")
    List<String> attacks;

    @Option(names = "--seed", description = "with --target: seed of every random draw (default 0)")
    Long seed;

    @Option(names = "--match-distribution",
            description = "with --target: run the attacks only on the member / non-member pairs that the distribution"
                    + " check's blind classifier (no model) scores alike, and say how many were kept")
    boolean matchDistribution;

    /** The audit of the user's own model that --target or a request YAML asks for, or null for a trained audit. */
    AuditRequest request(Path config, CommandSpec spec, boolean sections) {
        boolean yaml = config != null && AuditRequest.isRequest(config);
        if (target == null && !yaml) {
            return null;
        }
        if (target != null && config != null) {
            throw new IllegalArgumentException("pass --target or --config, not both");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--preset")) {
            throw new IllegalArgumentException("--preset makes an audit of a model DiffLeak trains; drop it with --target");
        }
        if (sections) {
            throw new IllegalArgumentException("--property and --gradient-inversion need a DiffLeak-trained audit's"
                    + " public base model; they do not run with --target");
        }
        AuditRequest r = yaml ? AuditRequest.read(config) : AuditRequest.of(target, require(members, "--members"),
                require(nonMembers, "--non-members"));
        if (aux != null || shadowBase != null) {
            r = r.withShadows(aux, shadowBase, shadowCount != null ? shadowCount : r.shadows());
        }
        if (shadowModels != null) {
            r = r.withShadowModels(shadowModels);
        }
        if (shadowSteps != null) {
            TrainConfig t = r.shadowTrain();
            r = r.withShadowTrain(new TrainConfig(shadowSteps, t.batchSize(), t.learningRate(),
                    Math.min(t.warmupSteps(), shadowSteps), t.weightDecay(), t.gradClip(), t.emaDecay(),
                    t.labelDropout(), Math.min(t.checkpointEvery(), shadowSteps), t.seed()));
        }
        if (attacks != null) {
            r = r.withAttacks(attacks);
        }
        if (matchDistribution) {
            r = r.withMatchDistribution(true);
        }
        return seed != null ? r.withSeed(seed) : r;
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException("--target needs " + option + " (a folder of images or a list file)");
        }
        return value;
    }

    /** Refuses the options that only make sense with --target. */
    void refuseWithoutTarget(CommandSpec spec) {
        List<String> withTarget = new ArrayList<>(List.of("--members", "--non-members", "--aux", "--shadow-base",
                "--shadows", "--shadow-count", "--shadow-steps", "--attacks", "--seed", "--match-distribution", "--api-token",
                "--encoder"));
        withTarget.addAll(BlackBoxAccessOptions.WEB_API);
        for (String option : withTarget) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " goes with --target (the model to audit)");
            }
        }
    }
}
