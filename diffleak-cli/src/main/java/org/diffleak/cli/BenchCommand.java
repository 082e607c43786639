package org.diffleak.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.membership.blackbox.ReconstructionAttack;
import org.diffleak.core.membership.blackbox.Similarity;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.diffusion.UNetDenoiser;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.membership.PiaAttack;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.DiffusionTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Engine benchmark on the default UNet (bench/run runs it beside the PyTorch-Python baseline): training
 * img/s at batch 64, inference img/s at batch 256, DDIM-50 time for 256 images, peak RSS, and the RSS
 * of inference over many batches (it must stay flat). Then the membership attacks at batch 100 on the same
 * random-weight UNet: PIA queries/s (two forward passes per candidate), black-box reconstruction queries/s
 * (strength 0.3, 10 DDIM steps, −MSE and SSIM), and the RSS of PIA over many queries (it must stay flat).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures training and inference speed"
        + " and memory of the default UNet; see bench/run for the side-by-side with PyTorch.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--train-steps", defaultValue = "21", description = "timed steps, in three windows") int trainSteps;
    @Option(names = "--infer-batches", defaultValue = "100", description = "batches of 256 for the RSS check") int inferBatches;
    @Option(names = "--ddim-images", defaultValue = "256") int ddimImages;
    @Option(names = "--dp-steps", defaultValue = "21", description = "DP-SGD steps to time (0 = skip)") int dpSteps;
    @Option(names = "--attack-batches", defaultValue = "9", description = "timed batches of 100 for the PIA and"
            + " black-box reconstruction throughput, each after one warm-up batch (0 = skip the attack figures)")
    int attackBatches;
    @Option(names = "--attack-queries", defaultValue = "10000", description = "candidates PIA scores for the RSS"
            + " check (RSS after 1,000 of them, or a tenth when fewer, against the end)")
    int attackQueries;
    @Option(names = "--json", description = "write the figures here") Path json;
    @Option(names = "--profile", description = "write libtorch's op profile (Chrome trace JSON) of the timed"
            + " training steps and inference batches to DIR/train.json and DIR/infer.json") Path profile;

    /** Candidates per attack batch of the PIA and black-box reconstruction throughput figures. */
    static final int ATTACK_BATCH = 100;

    @Override
    public Integer call() throws IOException {
        if (inferBatches < 5) {
            throw new ParameterException(spec.commandLine(), "--infer-batches must be >= 5 (3 warm-up batches, then"
                    + " timed ones), got " + inferBatches);
        }
        if (attackBatches < 0) {
            throw new ParameterException(spec.commandLine(), "--attack-batches must be >= 0, got " + attackBatches);
        }
        if (attackBatches > 0 && attackQueries < 2 * ATTACK_BATCH) {
            throw new ParameterException(spec.commandLine(), "--attack-queries must be >= " + 2 * ATTACK_BATCH
                    + " (one warm-up batch of " + ATTACK_BATCH + " and one timed), got " + attackQueries);
        }
        var log = spec.commandLine().getOut();
        UNetConfig cfg = UNetConfig.fashionMnistDefault();
        UNet unet = new UNet(cfg);
        NoiseSchedule schedule = NoiseSchedule.defaultLinear();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("engine", TorchRuntime.versions());
        r.put("parameters", unet.specs().stream().mapToLong(p -> p.size()).sum());

        r.put("train_img_per_s", trainThroughput(unet, schedule, null));
        log.printf("training   %.1f img/s (batch 64)%n", (double) r.get("train_img_per_s"));
        r.put("train_peak_rss_kb", peakRssKb());
        if (dpSteps > 0) {
            r.put("dp_train_img_per_s", trainThroughput(unet, schedule, new DpSgdConfig(1.0, 1.0, 0, 1e-5, false)));
            r.put("dp_step_ratio", (double) r.get("train_img_per_s") / (double) r.get("dp_train_img_per_s"));
            r.put("dp_peak_rss_kb", peakRssKb());
            log.printf("DP-SGD     %.1f img/s (expected batch 64): step %.2fx the non-private one, peak RSS %d MB%n",
                    (double) r.get("dp_train_img_per_s"), (double) r.get("dp_step_ratio"),
                    (long) r.get("dp_peak_rss_kb") / 1024);
        }

        try (NDManager m = TorchRuntime.newManager(); Params p = Params.initialize(unet.specs(), Seeds.of(0), m)) {
            UNetDenoiser d = new UNetDenoiser(unet, p, schedule);
            List<Long> rss = new ArrayList<>();
            int warm = 3;
            int timed = Math.min(inferBatches, warm + 21) - warm;
            long[] stamps = new long[timed + 1];
            for (int b = 0; b < inferBatches; b++) {
                if (b >= warm && b <= warm + timed) {
                    stamps[b - warm] = System.nanoTime();
                }
                if (profile != null && b == warm) {
                    JniUtils.startProfile(false, true, false);
                }
                try (NDManager sm = m.newSubManager()) {
                    SplittableRandom rng = new SplittableRandom(b);
                    NDArray x = Noise.gaussian(sm, new Shape(256, 1, 28, 28), rng);
                    long[] ts = new long[256];
                    for (int i = 0; i < 256; i++) {
                        ts[i] = rng.nextInt(1000);
                    }
                    d.predictNoise(x, sm.create(ts), null).toFloatArray();
                }
                if (b == warm + timed - 1) {
                    stamps[timed] = System.nanoTime();
                    if (profile != null) {
                        stopProfile("infer.json");
                    }
                    r.put("infer_img_per_s", medianRate(stamps, 256));
                    log.printf("inference  %.1f img/s (batch 256)%n", (double) r.get("infer_img_per_s"));
                }
                rss.add(rssKb());
            }
            long early = rss.get(Math.min(9, rss.size() - 1));
            long last = rss.get(rss.size() - 1);
            r.put("infer_rss_kb_batch10", early);
            r.put("infer_rss_kb_last", last);
            r.put("infer_rss_growth", (double) last / early - 1);
            log.printf("inference RSS  %d MB at batch 10, %d MB at batch %d (%+.1f%%)%n", early / 1024, last / 1024,
                    rss.size(), 100.0 * ((double) last / early - 1));

            long s0 = System.nanoTime();
            try (NDManager sm = m.newSubManager()) {
                NDArray xT = Noise.gaussian(sm, new Shape(ddimImages, 1, 28, 28), new SplittableRandom(1));
                DdimSampler.of(schedule, 50, 0.0, true).sample(d, xT, null, new SplittableRandom(2),
                        ProgressListener.NONE).toFloatArray();
            }
            r.put("ddim50_seconds", (System.nanoTime() - s0) / 1e9);
            log.printf("DDIM-50    %.1f s for %d images%n", (double) r.get("ddim50_seconds"), ddimImages);
            // before the attacks, so that this figure stays the one of training and inference alone
            r.put("peak_rss_kb", peakRssKb());
            log.printf("peak RSS   %d MB%n", (long) r.get("peak_rss_kb") / 1024);
            if (attackBatches > 0) {
                r.put("attack_batch", ATTACK_BATCH);
                piaFigures(d, r, log);
                reconstructionFigures(d, r, log);
                r.put("attack_peak_rss_kb", peakRssKb());
            }
        }
        if (json != null) {
            Json.write(json, r);
        }
        return 0;
    }

    /**
     * Throughput in three equal windows of the timestamps (units per interval), the median window: one
     * slow window from machine noise does not decide the figure. bench/pytorch_unet.py does the same.
     */
    static double medianRate(long[] stamps, double unitsPerInterval) {
        int w = (stamps.length - 1) / 3;
        if (w == 0) {
            return unitsPerInterval * (stamps.length - 1) / ((stamps[stamps.length - 1] - stamps[0]) / 1e9);
        }
        double[] rates = new double[3];
        for (int i = 0; i < 3; i++) {
            rates[i] = unitsPerInterval * w / ((stamps[(i + 1) * w] - stamps[i * w]) / 1e9);
        }
        java.util.Arrays.sort(rates);
        return rates[1];
    }

    /**
     * PIA over attackQueries random candidates in one call, as a user scores a candidate set: queries/s from
     * the median window of the batches after the first, and RSS after ~1,000 queries against the end, both
     * sampled by the progress listener at the same point of the loop (after a batch's scores came back).
     */
    private void piaFigures(UNetDenoiser d, Map<String, Object> r, PrintWriter log) {
        int n = attackQueries;
        ImageDataset candidates = randomImages("pia-candidates", n, 7, d.channels(), d.imageSize());
        int timed = Math.min(attackBatches, n / ATTACK_BATCH - 1);
        int early = Math.min(1000, Math.max(ATTACK_BATCH, n / 10));
        long[] stamps = new long[timed + 1];
        long[] rss = {-1, -1, 0};
        ProgressListener probe = new ProgressListener() {
            public void start(String task, long total) {}
            public void update(long done, String status) {
                stampBatch(stamps, done);
                if (rss[0] < 0 && done >= early) {
                    rss[0] = rssKb();
                    rss[2] = done;
                }
                if (done == n) {
                    rss[1] = rssKb();
                }
            }
            public void finish(String summary) {}
        };
        PiaAttack.pia(ATTACK_BATCH).score(d, candidates, probe);
        double growth = (double) rss[1] / rss[0] - 1;
        r.put("pia_queries_per_s", medianRate(stamps, ATTACK_BATCH));
        r.put("pia_queries", n);
        r.put("pia_rss_kb_early", rss[0]);
        r.put("pia_rss_early_at", rss[2]);
        r.put("pia_rss_kb_last", rss[1]);
        r.put("pia_rss_growth", growth);
        log.printf("PIA        %.1f queries/s (batch %d, %d timed batches)%n", (double) r.get("pia_queries_per_s"),
                ATTACK_BATCH, timed);
        log.printf("PIA RSS    %d MB after %d queries, %d MB after %d (%+.1f%%)%n", rss[0] / 1024, rss[2],
                rss[1] / 1024, n, 100 * growth);
    }

    /**
     * The black-box reconstruction attack through the query-only interface on the same UNet: strength 0.3
     * (t = 300), 10 η = 0 DDIM steps back, −MSE and SSIM per candidate; one warm-up batch, then attackBatches.
     */
    private void reconstructionFigures(UNetDenoiser d, Map<String, Object> r, PrintWriter log) {
        ImageDataset candidates = randomImages("recon-candidates", (1 + attackBatches) * ATTACK_BATCH, 8, d.channels(),
                d.imageSize());
        long[] stamps = new long[attackBatches + 1];
        ProgressListener probe = new ProgressListener() {
            public void start(String task, long total) {}
            public void update(long done, String status) {
                stampBatch(stamps, done);
            }
            public void finish(String summary) {}
        };
        new ReconstructionAttack(0.3, 10, 1, 11, ATTACK_BATCH).features(new LocalBlackBox(d), candidates, null,
                new Similarity(d.channels(), d.imageSize(), null), probe);
        r.put("recon_queries_per_s", medianRate(stamps, ATTACK_BATCH));
        log.printf("recon      %.1f queries/s (black-box, strength 0.3, 10 DDIM steps, batch %d)%n",
                (double) r.get("recon_queries_per_s"), ATTACK_BATCH);
    }

    /** Batch k of an attack ends at done = (k+1)·batch: stamps[k] for k = 0 (the warm-up) … stamps.length − 1. */
    private static void stampBatch(long[] stamps, long done) {
        if (done % ATTACK_BATCH == 0 && done / ATTACK_BATCH - 1 < stamps.length) {
            stamps[(int) (done / ATTACK_BATCH - 1)] = System.nanoTime();
        }
    }

    /** n images of channels × size × size with pixels uniform in [0, 1], all labelled 0. */
    private static ImageDataset randomImages(String name, int n, long seed, int channels, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] px = new float[n * channels * size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rng.nextDouble();
        }
        return ImageDataset.of(name, channels, size, size, px, new int[n]);
    }

    /** img/s of the real training loop at batch 64 (expected batch 64 under DP-SGD), after 3 warm-up steps. */
    private double trainThroughput(UNet unet, NoiseSchedule schedule, DpSgdConfig dp) throws IOException {
        int warm = 3;
        int timed = dp == null ? trainSteps : dpSteps;
        ImageDataset data = randomImages("bench", 512, 5, 1, 28);
        TrainConfig tc = new TrainConfig(warm + timed, 64, 1e-4, 0, 0, 1.0, 0.999, 0, 1_000_000, 0);
        long[] stamps = new long[timed + 1];
        ProgressListener timer = new ProgressListener() {
            public void start(String task, long total) {}
            public void update(long done, String status) {
                if (done >= warm && done <= warm + timed) {
                    stamps[(int) done - warm] = System.nanoTime();
                }
                if (profile != null && dp == null && done == warm) {
                    JniUtils.startProfile(false, true, false);
                }
            }
            public void finish(String summary) {}
        };
        Path dir = Files.createTempDirectory("diffleak-bench");
        try {
            ModelCard card = new ModelCard("unet-denoiser", unet.config(), ScheduleConfig.defaultLinear(), tc, "bench",
                    "random", 512, 0, Double.NaN, null, Map.of(), null);
            DiffusionTrainer trainer = new DiffusionTrainer(unet, schedule, tc, dir, dp);
            // a path that failed its check (run under diffleak.engine.check=warn) is timed, not trusted
            (TorchRuntime.verdict().ok() ? trainer : trainer.stepThroughNonFinite()).train(data, card, null, false, timer);
            if (profile != null && dp == null) {
                stopProfile("train.json");
            }
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
        return medianRate(stamps, 64);
    }

    private void stopProfile(String name) throws IOException {
        Files.createDirectories(profile);
        JniUtils.stopProfile(profile.resolve(name).toAbsolutePath().toString());
    }

    private static long rssKb() {
        try {
            return statusField("VmRSS:");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long peakRssKb() throws IOException {
        return statusField("VmHWM:");
    }

    private static long statusField(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
