package org.diffleak.torch.runtime;

/**
 * libtorch's own convolution forward failed its check on the shapes of an imported TorchScript model: no
 * path reaches inside the module, but a process started with oneDNN's ISA capped (ONEDNN_MAX_CPU_ISA, read
 * when libtorch loads) may run it correctly.
 */
public class ImportedModelCheckException extends EngineCheckException {

    /** The ISA cap to start again with. */
    public static final String ISA_CAP = "AVX2";

    private final String reason;

    /** reason: which model and which check failed; the message adds the ways out. */
    public ImportedModelCheckException(String reason) {
        super(reason + "; run with ONEDNN_MAX_CPU_ISA=" + ISA_CAP + " in the environment, or import the model as ONNX");
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
