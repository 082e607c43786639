package org.diffleak.torch.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.engine.Scalar;

/**
 * The weights of a functional network, by name, owned by their own NDManager. Networks read their
 * weights from a Params passed into each call and never own one, so the same network runs with the
 * trained weights, their EMA, or per-sample copies.
 */
public final class Params implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> arrays;
    private final Map<Long, NDArray[]> normConstants;
    private final GradTape tape;

    private Params(NDManager parent) {
        this.manager = parent.newSubManager();
        this.arrays = new LinkedHashMap<>();
        this.normConstants = new HashMap<>();
        this.tape = null;
    }

    private Params(Params base, GradTape tape) {
        this.manager = base.manager;
        this.arrays = base.arrays;
        this.normConstants = base.normConstants;
        this.tape = tape;
    }

    /**
     * A view of these weights whose layers also record their inputs and output probes on the tape, for
     * per-sample gradients. The view owns nothing: closing it is a no-op.
     */
    public Params recording(GradTape t) {
        return new Params(this, t);
    }

    /** The tape layers record on, or null for a plain forward pass. */
    public GradTape tape() {
        return tape;
    }

    /** Fresh weights drawn from the seeded generator in spec order, as PyTorch initialises them. */
    public static Params initialize(List<ParamSpec> specs, Seeds seeds, NDManager parent) {
        Params p = new Params(parent);
        SplittableRandom rng = seeds.random();
        for (ParamSpec s : specs) {
            float[] v = new float[Math.toIntExact(s.size())];
            switch (s.init()) {
                case ONES -> Arrays.fill(v, 1f);
                case ZEROS -> { }
                case NORMAL -> Seeds.gaussian(rng, v);
                case UNIFORM_FAN_IN -> {
                    double bound = 1.0 / Math.sqrt(s.fanIn());
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
                    }
                }
            }
            p.put(s.name(), p.manager.create(v, new Shape(s.shape())));
        }
        return p;
    }

    /** Reads weights written by {@link #save}, checking names and shapes against the specs. */
    public static Params load(List<ParamSpec> specs, InputStream in, NDManager parent, String source) {
        Params p = new Params(parent);
        NDList list;
        try {
            list = NDList.decode(p.manager, in);
        } catch (RuntimeException e) {
            p.close();
            throw new DataException(source + ": not a DiffLeak parameter file (" + e.getMessage() + ")", e);
        }
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray a : list) {
            byName.put(a.getName(), a);
        }
        for (ParamSpec s : specs) {
            NDArray a = byName.get(s.name());
            if (a == null || !a.getShape().equals(new Shape(s.shape()))) {
                p.close();
                throw new DataException(source + ": parameter " + s.name() + (a == null ? " is missing"
                        : " has shape " + a.getShape() + ", the architecture needs " + new Shape(s.shape())));
            }
            p.put(s.name(), a.toType(DataType.FLOAT32, false));
        }
        if (byName.size() != specs.size()) {
            p.close();
            throw new DataException(source + ": holds " + byName.size() + " parameters, the architecture has "
                    + specs.size());
        }
        return p;
    }

    public void save(OutputStream out) throws IOException {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            a.setName(e.getKey());
            list.add(a);
        }
        list.encode(out);
    }

    private void put(String name, NDArray a) {
        a.setName(name);
        arrays.put(name, a);
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    public Collection<String> names() {
        return arrays.keySet();
    }

    public Collection<NDArray> arrays() {
        return arrays.values();
    }

    public NDManager manager() {
        return manager;
    }

    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.size();
        }
        return n;
    }

    /** An independent copy (for EMA weights), owned by a sub-manager of parent; it outlives these weights. */
    public Params copy(NDManager parent) {
        Params p = new Params(parent);
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            // detach first, so the copy is a leaf; results attach to the source's manager, so move both
            NDArray detached = e.getValue().stopGradient();
            NDArray c = detached.duplicate();
            c.attach(p.manager);
            detached.close();
            p.put(e.getKey(), c);
        }
        return p;
    }

    /** Overwrites these weights in place with other's values (same names and shapes). */
    public void copyFrom(Params other) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            other.get(e.getKey()).copyTo(e.getValue());
        }
    }

    /** An independent copy with every weight converted to type (float64 for finite-difference checks). */
    public Params toType(DataType type, NDManager parent) {
        Params p = new Params(parent);
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            p.put(e.getKey(), e.getValue().toType(type, true));
            p.get(e.getKey()).attach(p.manager);
        }
        return p;
    }

    /** Marks every weight as a leaf that collects gradients. */
    public void attachGradients() {
        for (NDArray a : arrays.values()) {
            a.setRequiresGradient(true);
        }
    }

    /** Each weight's gradient by name, attached to scratch so that it goes with the step's other arrays. */
    public Map<String, NDArray> gradients(NDManager scratch) {
        Map<String, NDArray> grads = new HashMap<>();
        for (String name : names()) {
            NDArray g = get(name).getGradient();
            g.attach(scratch);
            grads.put(name, g);
        }
        return grads;
    }

    /** Zeroes every weight's gradient after an optimizer step. */
    public void zeroGradients() {
        for (NDArray a : arrays.values()) {
            JniUtils.zeroGrad((PtNDArray) a);
        }
    }

    /**
     * Moves these EMA weights towards weights: θ̄ ← d θ̄ + (1 − d) θ, in place, the temporaries in scratch. Call with
     * autograd off.
     */
    public void updateEma(Params weights, double decay, NDManager scratch) {
        for (String name : weights.names()) {
            NDArray delta = Scalar.mul(weights.get(name), 1 - decay);
            delta.attach(scratch);
            Scalar.muli(get(name), decay).addi(delta);
        }
    }

    /** Cached (ones, zeros) of length d in the weights' type: the identity affine that layer_norm takes. */
    NDArray[] normIdentity(long d) {
        DataType type = arrays.isEmpty() ? DataType.FLOAT32 : arrays.values().iterator().next().getDataType();
        return normConstants.computeIfAbsent(d, k -> new NDArray[] {
            manager.ones(new Shape(k), type), manager.zeros(new Shape(k), type)});
    }

    /** All weights as one flat float array, in name order (for tests and checksums). */
    public float[] flatten() {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (NDArray a : arrays.values()) {
            float[] f = a.toFloatArray();
            parts.add(f);
            n += f.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, out, o, f.length);
            o += f.length;
        }
        return out;
    }

    @Override
    public void close() {
        if (tape == null) {
            manager.close();
        }
    }
}
