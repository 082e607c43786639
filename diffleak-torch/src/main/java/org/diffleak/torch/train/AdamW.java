package org.diffleak.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffleak.core.io.DataException;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.Params;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019). Moments are plain named arrays, so the
 * optimizer state goes into checkpoints and a resumed run continues exactly:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr (m̂/(√v̂ + ε) + λθ), m̂ = m/(1−β₁^k), v̂ = v/(1−β₂^k).
 * The one optimizer of tensor weights; heap vectors in the engine-free code use
 * {@link org.diffleak.core.inversion.Adam}.
 */
public final class AdamW implements AutoCloseable {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long updates;

    public AdamW(Params params, double weightDecay, NDManager parent) {
        this.beta1 = 0.9;
        this.beta2 = 0.999;
        this.eps = 1e-8;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        for (String name : params.names()) {
            NDArray p = params.get(name);
            m.put(name, manager.zeros(p.getShape()));
            v.put(name, manager.zeros(p.getShape()));
        }
    }

    /** Applies one update with gradients `grads` (by parameter name) scaled by gradScale. Grad mode must be off. */
    public void step(Params params, Map<String, NDArray> grads, double lr, double gradScale) {
        updates++;
        double bc1 = 1 - Math.pow(beta1, updates);
        double bc2 = 1 - Math.pow(beta2, updates);
        for (String name : params.names()) {
            NDArray p = params.get(name);
            NDArray g = grads.get(name);
            NDArray mi = m.get(name);
            NDArray vi = v.get(name);
            try (NDManager tmp = manager.newSubManager()) {
                NDArray gs = Scalar.mul(g, gradScale);
                gs.attach(tmp);
                Scalar.muli(mi, beta1).addi(Scalar.mul(gs, 1 - beta1));
                Scalar.muli(vi, beta2).addi(Scalar.muli(gs.square(), 1 - beta2));
                NDArray denom = vi.sqrt();
                denom.attach(tmp);
                Scalar.divi(denom, Math.sqrt(bc2));
                NDArray update = Scalar.div(mi, bc1);
                update.attach(tmp);
                update.divi(Scalar.addi(denom, eps));
                if (weightDecay > 0) {
                    NDArray decay = Scalar.mul(p, weightDecay);
                    decay.attach(tmp);
                    update.addi(decay);
                }
                p.subi(Scalar.muli(update, lr));
            }
        }
    }

    public long updates() {
        return updates;
    }

    public void save(OutputStream out) throws IOException {
        NDList list = new NDList();
        for (String name : m.keySet()) {
            NDArray mi = m.get(name);
            mi.setName("m." + name);
            NDArray vi = v.get(name);
            vi.setName("v." + name);
            list.add(mi);
            list.add(vi);
        }
        list.encode(out);
    }

    /** Restores moments written by {@link #save} after `updates` steps. */
    public void load(InputStream in, long updateCount, String source) {
        try (NDManager tmp = manager.newSubManager()) {
            NDList list = NDList.decode(tmp, in);
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            for (String name : m.keySet()) {
                NDArray ma = byName.get("m." + name);
                NDArray va = byName.get("v." + name);
                if (ma == null || va == null || !ma.getShape().equals(m.get(name).getShape())) {
                    throw new DataException(source + ": optimizer state does not match parameter " + name);
                }
                ma.copyTo(m.get(name));
                va.copyTo(v.get(name));
            }
        }
        this.updates = updateCount;
    }

    @Override
    public void close() {
        manager.close();
    }
}
