package org.diffleak.torch.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.diffleak.torch.NativeTest;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class ScalarTest extends NativeTest {

    /** Frees what the collector can and refills freed native memory with 7.5f: what a busy process does. */
    private static void churn() {
        System.gc();
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 16) * 4).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(7.5f);
            }
            junk.add(b);
        }
        System.gc();
    }

    private float[] gradientAfterChurn(Function<NDArray, NDArray> f) {
        NDArray x = manager.create(new float[] {1f, 2f, 4f});
        x.setRequiresGradient(true);
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray y = f.apply(x).sum();
            churn();
            gc.backward(y);
        }
        return x.getGradient().toFloatArray();
    }

    /**
     * The saved operand of a product, quotient, power or minimum survives the garbage collector. With DJL's
     * {@code x.mul(3f)} the same test read freed memory (gradients of 1.4e-45 and 1/7.5 were measured).
     */
    @Test
    void savedOperandsSurviveTheCollector() {
        for (int round = 0; round < 3; round++) {
            assertThat(gradientAfterChurn(x -> Scalar.mul(x, 3))).containsExactly(3f, 3f, 3f);
            assertThat(gradientAfterChurn(x -> Scalar.div(x, 256))).containsExactly(1 / 256f, 1 / 256f, 1 / 256f);
            assertThat(gradientAfterChurn(x -> Scalar.pow(x, 2))).containsExactly(2f, 4f, 8f);
            assertThat(gradientAfterChurn(x -> Scalar.minimum(x, 3))).containsExactly(1f, 1f, 0f);
            assertThat(gradientAfterChurn(x -> Scalar.rsub(1, x))).containsExactly(-1f, -1f, -1f);
        }
    }

    @Test
    void keepsTheTensorsTypeAndFloat64Precision() {
        NDArray d = manager.create(new double[] {1, 2});
        NDArray y = Scalar.mul(d, 0.1);
        assertThat(y.getDataType()).isEqualTo(DataType.FLOAT64);
        assertThat(y.toDoubleArray()).containsExactly(0.1, 0.2);
        NDArray f = manager.create(new float[] {1, 2});
        assertThat(Scalar.mul(f, 0.1).toFloatArray()).containsExactly(f.mul(0.1f).toFloatArray());
        assertThat(Scalar.like(f, 2).getShape()).isEqualTo(new Shape());
        assertThat(Scalar.addi(f, 1).toFloatArray()).containsExactly(2f, 3f);
    }

    /**
     * No class of this module, main or test, passes a Number to an NDArray method: each such call is a use-after-free
     * waiting for a backward pass (see {@link Scalar}). Comparisons record no gradient, and clip passes its bounds to libtorch as numbers: both are exempt.
     */
    @Test
    void noCallPassesANumberToAnNdArrayOp() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Class<?> c : List.of(Scalar.class, ScalarTest.class)) {
            Path classes = Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath());
            try (Stream<Path> files = Files.walk(classes)) {
                files.filter(p -> p.toString().endsWith(".class") && !p.endsWith("ScalarTest.class"))
                        .forEach(p -> scan(p, offenders));
            }
        }
        assertThat(offenders).isEmpty();
    }

    private static final List<String> NO_GRADIENT = List.of("eq", "neq", "gt", "gte", "lt", "lte", "contentEquals", "clip");

    private static void scan(Path file, List<String> offenders) {
        try (InputStream in = Files.newInputStream(file)) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                private String source;

                @Override
                public void visitSource(String s, String debug) {
                    source = s;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        private int line;

                        @Override
                        public void visitLineNumber(int l, Label start) {
                            line = l;
                        }

                        @Override
                        public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
                            if (owner.startsWith("ai/djl/") && owner.contains("NDArray") && d.contains("Ljava/lang/Number;")
                                    && !NO_GRADIENT.contains(m)) {
                                offenders.add(source + ":" + line + " " + m + d);
                            }
                        }
                    };
                }
            }, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
