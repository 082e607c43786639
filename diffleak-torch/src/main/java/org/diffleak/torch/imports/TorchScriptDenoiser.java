package org.diffleak.torch.imports;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Json;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * A TorchScript module exported from PyTorch, forward(x_t, t[, y]) → ε, loaded on the PyTorch engine.
 * Inputs: x_t float32 [N, C, H, W] in [−1, 1], t int64 [N], and for a class-conditional model y int64
 * [N]. The block is called directly, so ε is an NDArray in x_t's manager with no copy.
 */
public final class TorchScriptDenoiser extends ImportedDenoiser {

    private final Model model;

    private TorchScriptDenoiser(Path file, Model model, ImportedModelSpec spec) {
        super(file, spec);
        this.model = model;
    }

    /** Loads `file` with its spec beside it (see {@link ImportedModelSpec}). */
    public static TorchScriptDenoiser load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such TorchScript file");
        }
        ImportedModelSpec spec = ImportedModelSpec.forModel(file);
        TorchRuntime.init();
        Model model = Model.newInstance(file.getFileName().toString(), Device.cpu(), TorchRuntime.ENGINE);
        try {
            model.load(file, null, Map.of("mapLocation", "true"));
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new DataException(file + ": not a TorchScript module: " + Json.firstLine(e.getMessage()), e);
        }
        List<long[]> convWeights = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            Shape s = p.getValue().getArray().getShape();
            if (s.dimension() == 4) {
                convWeights.add(s.getShape());
            }
        }
        try {
            TorchRuntime.requireLibtorchForward(file + ": a TorchScript model", convWeights);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new TorchScriptDenoiser(file, model, spec);
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        spec.requireInput(xt);
        NDList inputs = new NDList(xt, t);
        NDArray y = spec.labelsFor(xt, labels);
        if (y != null) {
            inputs.add(y);
        }
        NDList out = model.getBlock().forward(new ParameterStore(xt.getManager(), false), inputs, false);
        NDArray eps = out.head();
        if (!eps.getShape().equals(xt.getShape())) {
            throw new DataException(file + ": returned ε of shape " + eps.getShape() + " for x_t of shape "
                    + xt.getShape());
        }
        return eps;
    }

    @Override
    public void close() {
        model.close();
    }
}
