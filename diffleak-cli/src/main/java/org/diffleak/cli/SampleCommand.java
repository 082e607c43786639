package org.diffleak.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.io.ImageGrid;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.table.TableProperty;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.DdpmSampler;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.GuidedDenoiser;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.diffusion.PrivatePropertySampler;
import org.diffleak.torch.diffusion.Sampler;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ClassifierTrainer;
import org.diffleak.torch.train.NoiseAwareClassifierTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draws images from a model and writes them as one PNG grid, or rows from a table model"
                + " (--table-model) as a CSV. Same seed, same output.")
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--table-model", paramLabel = "MODEL", description = "a table model directory (diffleak train"
            + " --table): write -n rows to -o FILE.csv") Path tableModel;
    @Option(names = "--compare", paramLabel = "REAL.csv", description = "table model: print per-column fidelity"
            + " (KS numeric, TV categorical) against this real table") Path compare;
    @Option(names = {"-m", "--model"},
            description = "model directory, or an imported .pt/.torchscript/.onnx denoiser with its .json spec") Path model;
    @Option(names = {"-n", "--count"}, defaultValue = "64", description = "images (default ${DEFAULT-VALUE})") int count;
    @Option(names = {"-o", "--out"}, defaultValue = "samples.png", description = "PNG grid (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--sampler", defaultValue = "ddim", description = "ddim or ddpm (default ${DEFAULT-VALUE})") String sampler;
    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--eta", defaultValue = "0", description = "DDIM η: 0 deterministic, 1 DDPM-like") double eta;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--label", description = "class to generate (class-conditional models)") Integer label;
    @Option(names = "--guidance", defaultValue = "1", description = "classifier-free guidance scale w (1 = none)") double guidance;
    @Option(names = "--raw-weights", description = "DiffLeak models: use the raw weights instead of their EMA") boolean raw;
    @Option(names = "--batch", defaultValue = "256", description = "images per forward pass") int batch;
    @Option(names = "--columns", defaultValue = "8") int columns;
    @Option(names = "--private-property", description = "private sampler: steer the release to --target-share of this"
            + " property (images: footwear, tops, 5,7,9, ...; tables: COLUMN=VALUE or COLUMN>x)") String privateProperty;
    @Option(names = "--target-share", defaultValue = "0.5", description = "private sampler: p* (default ${DEFAULT-VALUE})") double targetShare;
    @Option(names = "--property-classifier", description = "private sampler: noise-aware classifier directory"
            + " (from diffleak property: CACHE/classifiers/guide-*)") Path propertyClassifier;
    @Option(names = "--property-guidance", defaultValue = "1", description = "private sampler: guidance scale s"
            + " (tables: on the numeric part, by the denoiser's own property head) (default ${DEFAULT-VALUE})")
    double propertyGuidance;
    @Option(names = "--guidance-input", defaultValue = "x0", description = "private sampler: the guide judges noisy"
            + " (x_t) or x0 (the predicted clean image) (default ${DEFAULT-VALUE})") String guidanceInput;
    @Option(names = "--check-classifier", description = "private sampler: a clean property classifier directory (not"
            + " the guide) whose disagreeing samples are redrawn (from diffleak property: CACHE/classifiers/check-*)")
    Path checkClassifier;
    @Option(names = "--max-attempts", defaultValue = "6", description = "private sampler with --check-classifier:"
            + " draws per sample (default ${DEFAULT-VALUE})") int maxAttempts;

    private NoiseAwareClassifierTrainer.Trained guide(NDManager manager) {
        if (propertyClassifier == null) {
            throw new IllegalArgumentException("--private-property needs --property-classifier DIR (a noise-aware"
                    + " classifier of that property)");
        }
        if (label != null) {
            throw new IllegalArgumentException("--private-property and --label cannot be combined");
        }
        String name = BinaryProperty.parse(privateProperty).name();
        NoiseAwareClassifierTrainer.Trained g = NoiseAwareClassifierTrainer.load(propertyClassifier, manager);
        if (!g.card().property().equals(name)) {
            g.close();
            throw new IllegalArgumentException(propertyClassifier + " classifies '" + g.card().property()
                    + "', not '" + name + "'");
        }
        return g;
    }

    @Override
    public Integer call() {
        if (count < 1 || batch < 1 || steps < 1) {
            throw new IllegalArgumentException("--count, --batch and --steps must be ≥ 1");
        }
        var log = spec.commandLine().getOut();
        if ((model == null) == (tableModel == null)) {
            throw new IllegalArgumentException("give exactly one of --model (images) and --table-model (tables)");
        }
        if (tableModel != null) {
            Path csv = spec.commandLine().getParseResult().hasMatchedOption("--out") ? out : Path.of("samples.csv");
            TableCommands.sample(tableModel, count, sampler, steps, batch, seed, raw,
                    privateProperty == null ? null : TableProperty.parse(privateProperty), targetShare, propertyGuidance, csv,
                    compare, log,
                    ConsoleProgress.forConsole(log));
            return 0;
        }
        if (compare != null) {
            throw new IllegalArgumentException("--compare needs --table-model");
        }
        try (NDManager manager = TorchRuntime.newManager();
                CloseableDenoiser loaded = Denoisers.load(model, manager, !raw)) {
            Denoiser d = loaded;
            if (label != null && (label < 0 || label >= d.numClasses())) {
                throw new IllegalArgumentException("--label needs a class-conditional model and 0 ≤ label < "
                        + d.numClasses());
            }
            if (guidance != 1.0 && label != null) {
                d = new GuidedDenoiser(d, guidance);
            }
            NoiseAwareClassifierTrainer.Trained guide = privateProperty == null ? null : guide(manager);
            PrivatePropertySampler privateSampler = guide == null ? null
                    : new PrivatePropertySampler(guide, targetShare, propertyGuidance,
                    PropertyCommand.guidanceMode(guidanceInput));
            boolean[] targets = guide == null ? null : privateSampler.assign(count, Seeds.of(seed).child("assign").random());
            NoiseSchedule s = d.schedule();
            Sampler smp = switch (sampler) {
                case "ddim" -> DdimSampler.of(s, steps, eta, true);
                case "ddpm" -> new DdpmSampler(s);
                default -> throw new IllegalArgumentException("--sampler must be ddim or ddpm");
            };
            int c = d.channels();
            int size = d.imageSize();
            float[] all = new float[count * c * size * size];
            Seeds seeds = Seeds.of(seed).child("sample");
            ConsoleProgress progress = ConsoleProgress.forConsole(log);
            if (checkClassifier != null) {
                if (privateSampler == null) {
                    throw new IllegalArgumentException("--check-classifier needs --private-property");
                }
                ClassifierTrainer.Trained ck = ClassifierTrainer.load(checkClassifier, manager);
                PrivatePropertySampler.Checked checked = privateSampler.sampleChecked(d, smp, manager,
                        new Shape(count, c, size, size), targets, seeds, x -> {
                            float[] p = ck.net().logits(ck.params(), x).softmax(1).get(":, 1").toFloatArray();
                            boolean[] has = new boolean[p.length];
                            for (int i = 0; i < p.length; i++) {
                                has[i] = p[i] > 0.5;
                            }
                            return has;
                        }, maxAttempts, batch, progress);
                all = Sampler.toPixels(checked.samples());
                log.printf("private sampler: %d of %d samples pass the check after %d draws%n", checked.accepted(),
                        count, checked.draws());
            } else {
                progress.start("sampling", count);
                for (int start = 0, b = 0; start < count; start += batch, b++) {
                    int n = Math.min(batch, count - start);
                    try (NDManager sm = manager.newSubManager()) {
                        var rng = seeds.child(b).random();
                        NDArray xT = Noise.gaussian(sm, new Shape(n, c, size, size), rng);
                        NDArray y = label == null ? null : sm.full(new Shape(n), label, DataType.INT64);
                        NDArray x0 = privateSampler == null ? smp.sample(d, xT, y, rng, ProgressListener.NONE)
                                : privateSampler.sample(d, smp, xT, Arrays.copyOfRange(targets, start, start + n), rng,
                                        ProgressListener.NONE);
                        float[] px = Sampler.toPixels(x0);
                        System.arraycopy(px, 0, all, start * c * size * size, px.length);
                    }
                    progress.update(start + n, "");
                }
            }
            ImageGrid.writePng(out, all, count, c, size, size, columns);
            log.println("wrote " + count + " samples to " + out);
            if (guide != null) {
                int k = 0;
                for (boolean b : targets) {
                    k += b ? 1 : 0;
                }
                log.printf("private sampler: %d of %d samples steered towards %s (p* = %s, guidance %s)%n", k, count,
                        privateProperty, targetShare, propertyGuidance);
            }
        }
        return 0;
    }
}
