package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.diffleak.core.membership.blackbox.ImageEncoder;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.inversion.FederatedSetting;
import org.diffleak.core.inversion.InversionMetrics;
import org.diffleak.core.inversion.InversionResults;
import org.diffleak.core.inversion.InversionSummary;
import org.diffleak.core.inversion.LabelInference;
import org.diffleak.core.inversion.UserOutcome;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/**
 * User-level gradient inversion, end to end: for each batch size, users drawn by {@link FederatedSetting};
 * for each client ε, each user's {@link ClientUpdate}; on the server side {@link LabelInference} from the
 * head's bias gradient, one representative image by {@link GradientMatching} (no prior) and/or
 * {@link DiffusionPriorGradientMatching}, {@link AttributeInference} on it, and {@link InversionMetrics}
 * against every user's batch. Models are passed in, never owned.
 */
public final class GradientInversionStudy {

    /**
     * @param batchSizes images per user, one study cell each
     * @param epsilons client ε values (infinite = no DP)
     * @param users users per batch size
     * @param draw how each user's images are drawn from its category
     * @param priors "none" and/or "diffusion"
     * @param client local steps and learning rate; its dp is ignored (set per ε from clip and delta)
     * @param clip DP-SGD clip norm C of the clients
     * @param delta δ of the clients' DP
     * @param noPrior settings of the attack without prior (its targets: one representative image)
     * @param diffusion settings of the diffusion-prior attack
     * @param thumbnails images of each user's batch kept for the report
     */
    public record Settings(List<Integer> batchSizes, List<Double> epsilons, int users, FederatedSetting.Draw draw,
            List<String> priors,
            ClientUpdate.Settings client, double clip, double delta, GradientMatching.Settings noPrior,
            DiffusionPriorGradientMatching.Settings diffusion, int thumbnails, long seed) {

        public Settings {
            batchSizes = List.copyOf(batchSizes);
            epsilons = List.copyOf(epsilons);
            priors = List.copyOf(priors);
            for (String p : priors) {
                if (!p.equals("none") && !p.equals("diffusion")) {
                    throw new IllegalArgumentException("prior must be none or diffusion, got " + p);
                }
            }
            if (priors.isEmpty() || batchSizes.isEmpty() || epsilons.isEmpty()) {
                throw new IllegalArgumentException("need at least one prior, batch size and ε");
            }
            for (double e : epsilons) {
                if (!(e > 0)) {
                    throw new IllegalArgumentException("ε must be > 0 or infinite, got " + e);
                }
            }
        }
    }

    /**
     * The models the study runs against and with.
     *
     * @param shared the federated (coarse-group) classifier and its weights
     * @param fine the attacker's fine-category classifier for attribute inference
     * @param encoder the image encoder of the similarity metrics
     * @param denoiser the diffusion prior (may be null when no diffusion attack runs)
     * @param meanProbability the shared model's mean softmax on auxiliary images, for label counts
     */
    public record Models(CnnClassifier shared, Params sharedParams, CnnClassifier fine, Params fineParams,
            ImageEncoder encoder, Denoiser denoiser, double[] meanProbability) {}

    private final Settings settings;

    public GradientInversionStudy(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param pool the users' private images with fine labels (never seen by any model)
     * @param progress a listener per task name
     */
    public InversionResults run(Models models, ImageDataset pool, Function<String, ProgressListener> progress) {
        if (settings.priors().contains("diffusion") && models.denoiser() == null) {
            throw new IllegalArgumentException("the diffusion prior needs a denoiser");
        }
        int c = pool.channels();
        int s = pool.height();
        int d = c * s * s;
        Seeds seeds = Seeds.of(settings.seed());
        AttributeInference attributes = new AttributeInference(models.fine(), models.fineParams());
        Map<Integer, List<InversionResults.UserBatch>> batches = new LinkedHashMap<>();
        List<UserOutcome> outcomes = new ArrayList<>();
        for (int b : settings.batchSizes()) {
            List<FederatedSetting.User> users = FederatedSetting.drawUsers(pool, settings.users(), b, settings.draw(),
                    seeds.child("users").child(b));
            List<float[][]> features = new ArrayList<>();
            List<float[]> pixels = new ArrayList<>();
            List<InversionResults.UserBatch> thumbs = new ArrayList<>();
            double[] realShare = new double[users.size()];
            for (FederatedSetting.User u : users) {
                float[] px = new float[b * d];
                float[] img = new float[d];
                for (int i = 0; i < b; i++) {
                    pool.copyImage(u.indices()[i], img, 0);
                    System.arraycopy(img, 0, px, i * d, d);
                    realShare[u.id()] += attributes.predict(img, u.group()) == u.attribute() ? 1.0 / b : 0;
                }
                pixels.add(px);
                features.add(models.encoder().encode(px, b));
                int k = Math.min(b, settings.thumbnails());
                thumbs.add(new InversionResults.UserBatch(u.id(), u.attribute(), java.util.Arrays.copyOf(px, k * d), k));
            }
            batches.put(b, thumbs);
            double[] realOwn = users.stream().mapToDouble(u -> InversionMetrics.realOwnClosestShare(features, u.id()))
                    .toArray();
            for (double eps : settings.epsilons()) {
                ClientUpdate client = new ClientUpdate(new ClientUpdate.Settings(settings.client().localSteps(),
                        settings.client().localLearningRate(), Double.isInfinite(eps) ? null
                                : new DpSgdConfig(settings.clip(), 0, eps, settings.delta(), false)));
                for (FederatedSetting.User u : users) {
                    outcomes.addAll(attackUser(models, client, attributes, u, realShare[u.id()], realOwn[u.id()],
                            pixels, features, b, eps, c, s, seeds, progress));
                }
            }
        }
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("batchSizes", settings.batchSizes());
        echo.put("epsilons", settings.epsilons().stream().map(e -> Double.isInfinite(e) ? "inf" : e.toString()).toList());
        echo.put("users", settings.users());
        echo.put("userDraw", settings.draw().name().toLowerCase(Locale.ROOT));
        echo.put("priors", settings.priors());
        echo.put("localSteps", settings.client().localSteps());
        echo.put("clip", settings.clip());
        echo.put("delta", settings.delta());
        echo.put("noPrior", settings.noPrior());
        echo.put("diffusion", settings.diffusion());
        echo.put("seed", settings.seed());
        // results are bit-reproducible for a fixed intra-op thread count, which orders the engine's reductions
        echo.put("intraOpThreads", JniUtils.getNumThreads());
        return new InversionResults(echo, c, s, batches, outcomes, InversionSummary.of(outcomes));
    }

    private List<UserOutcome> attackUser(Models models, ClientUpdate client, AttributeInference attributes,
            FederatedSetting.User u, double realShare, double realOwn, List<float[]> pixels, List<float[][]> features, int b, double eps, int c, int s,
            Seeds seeds, Function<String, ProgressListener> progress) {
        Seeds us = seeds.child("attack").child(b).child(Double.doubleToLongBits(eps)).child(u.id());
        float[] own = pixels.get(u.id());
        float[] x = new float[own.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * own[i] - 1;
        }
        int[] labels = IntStream.range(0, b).map(i -> u.group()).toArray();
        List<UserOutcome> out = new ArrayList<>();
        try (NDManager m = models.sharedParams().manager().newSubManager()) {
            Map<String, NDArray> update = client.compute(models.shared(), models.sharedParams(), x, labels,
                    us.child("client"), m);
            LabelInference.Result li = LabelInference.infer(update.get("head.bias").toFloatArray(), b,
                    models.meanProbability());
            int group = li.dominant();
            float[] target = new float[models.shared().config().numClasses()];
            target[group] = 1;
            for (String prior : settings.priors()) {
                long t0 = System.nanoTime();
                float[] image;
                double loss;
                String task = String.format("user %d/%d, batch %d, ε %s, prior %s", u.id() + 1, settings.users(), b,
                        Double.isInfinite(eps) ? "∞" : Double.toString(eps), prior);
                if (prior.equals("none")) {
                    GradientMatching.Result r = new GradientMatching(settings.noPrior()).invert(models.shared(),
                            models.sharedParams(), update, new float[][] {target}, us.child("none"),
                            progress.apply(task));
                    image = r.images();
                    loss = r.loss();
                } else {
                    DiffusionPriorGradientMatching.Result r = new DiffusionPriorGradientMatching(settings.diffusion())
                            .invert(models.denoiser(), models.shared(), models.sharedParams(), update, target,
                                    us.child("diffusion"), progress.apply(task));
                    image = r.image();
                    loss = r.loss();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                float[] f = models.encoder().encode(image, 1)[0];
                InversionMetrics.Similarity sim = InversionMetrics.of(image, f, own, c, s, s, features, u.id());
                out.add(new UserOutcome(u.id(), b, eps, prior, u.attribute(), u.group(), group,
                        li.counts()[u.group()], attributes.predict(image, group), realShare, realOwn, sim, loss, seconds, image));
            }
        }
        return out;
    }

    /** The shared model's mean softmax over images (pixels in [0, 1]), in batches. */
    public static double[] meanProbability(CnnClassifier net, Params params, ImageDataset images) {
        int k = net.config().numClasses();
        double[] mean = new double[k];
        int d = images.imageSize();
        for (int from = 0; from < images.size(); from += 256) {
            int n = Math.min(256, images.size() - from);
            float[] px = new float[n * d];
            for (int i = 0; i < n; i++) {
                images.copyImage(from + i, px, i * d);
            }
            for (int i = 0; i < px.length; i++) {
                px[i] = 2 * px[i] - 1;
            }
            try (NDManager m = params.manager().newSubManager()) {
                float[] p = net.logits(params, m.create(px, new Shape(n, images.channels(), images.height(),
                        images.width()))).softmax(1).toFloatArray();
                for (int i = 0; i < p.length; i++) {
                    mean[i % k] += p[i];
                }
            }
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= images.size();
        }
        return mean;
    }
}
