package org.diffleak.torch.nn;

/**
 * One named parameter of a functional network: its shape and how it starts.
 *
 * @param fanIn inputs per output unit, for the PyTorch default bound 1/√fanIn
 */
public record ParamSpec(String name, long[] shape, Init init, long fanIn) {

    /** Initialisations, each as PyTorch's default for that layer type. */
    public enum Init {
        /** Conv/linear weights and biases: U(−1/√fanIn, 1/√fanIn) (kaiming_uniform with a = √5). */
        UNIFORM_FAN_IN,
        /** Normalisation scale. */
        ONES,
        /** Normalisation shift. */
        ZEROS,
        /** Embedding tables: N(0, 1). */
        NORMAL
    }

    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
