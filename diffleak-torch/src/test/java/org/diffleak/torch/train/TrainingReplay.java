package org.diffleak.torch.train;

import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * Child-JVM entry point of {@link TrainingReplayTest}: trains a small UNet (with self-attention) for 50 steps
 * into args[0] and prints "sha256 HEX" of its final weights. With args[1] = "gc-storm" a daemon thread asks
 * for a garbage collection every millisecond throughout, so that any tensor whose memory Java frees while
 * libtorch still reads it shows up as different weights.
 */
public final class TrainingReplay {

    static final UNetConfig CFG = new UNetConfig(1, 8, 8, List.of(1, 2), 1, true, 0, 4);
    static final int STEPS = 50;

    private TrainingReplay() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("gc-storm")) {
            Thread storm = new Thread(() -> {
                while (true) {
                    System.gc();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "gc-storm");
            storm.setDaemon(true);
            storm.start();
        }
        Path dir = Path.of(args[0]);
        UNet unet = new UNet(CFG);
        TrainConfig config = new TrainConfig(STEPS, 8, 2e-3, 5, 0.0, 1.0, 0.9, 0.0, STEPS, 42);
        new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config, dir)
                .train(DiffusionTrainerTest.squares(32), DiffusionTrainerTest.card(CFG), null, false,
                        ProgressListener.NONE);
        try (NDManager m = TorchRuntime.newManager();
                ModelStore.Loaded l = ModelStore.load(dir.resolve("model"), false, m)) {
            System.out.println("sha256 " + sha256(l.params().flatten()));
        }
        System.exit(0);
    }

    static String sha256(float[] weights) throws NoSuchAlgorithmException {
        ByteBuffer b = ByteBuffer.allocate(4 * weights.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(weights);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }
}
