package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Activation}'s forward and backward pass bound to one layer's arrays for one batch size: every op is built
 * once (scalar ops with their scalar, custom ops as {@link BoundOp}s), so running a pass allocates nothing, native or
 * JavaCPP. Each op is the one the one-shot ND4J call ({@code Nd4j.exec(new Op(...))}, {@code muli}, {@code sum},
 * {@code subiColumnVector}) would run, so the results are bitwise the same.
 *
 * <p>Not thread-safe: one layer's, on the model's thread.
 */
final class ActivationKernel implements AutoCloseable
{
    private final List<Runnable> forward = new ArrayList<>();
    private final List<Runnable> backward = new ArrayList<>();
    private final List<BoundOp> bound = new ArrayList<>();

    private ActivationKernel()
    {
    }

    /**
     * @param activation the function.
     * @param a          [batch × units] pre-activations z before {@link #forward}, the activations a after it.
     * @param delta      [batch × units] dL/da on entry to {@link #backward}, dL/dz on return.
     * @param scratch    [batch × units] overwritten by {@link #backward}.
     * @param rowSums    [batch × 1] overwritten by {@link #backward} (softmax only; may be null otherwise).
     * @return the kernel; close it when the arrays are dropped.
     */
    static ActivationKernel bind(
        final Activation activation, final INDArray a, final INDArray delta, final INDArray scratch,
        final INDArray rowSums)
    {
        final ActivationKernel kernel = new ActivationKernel();
        switch (activation)
        {
            case IDENTITY -> { }
            case RELU ->
            {
                kernel.forward(new RectifiedLinear(a, a, 0.0));
                kernel.backward(new Step(a, scratch, 0.0));
                kernel.backward(new MulOp(delta, scratch, delta));
            }
            case LEAKY_RELU ->
            {
                kernel.forward(new LeakyReLU(a, a, Activation.LEAKY_SLOPE));
                kernel.backward(new Step(a, scratch, 0.0));
                kernel.backward(new ScalarMultiplication(scratch, null, scratch, 1.0 - Activation.LEAKY_SLOPE));
                kernel.backward(new ScalarAdd(scratch, null, scratch, Activation.LEAKY_SLOPE));
                kernel.backward(new MulOp(delta, scratch, delta));
            }
            case TANH ->
            {
                kernel.forward(new Tanh(a, a));
                kernel.backward(new MulOp(a, a, scratch));
                kernel.backward(new ScalarReverseSubtraction(scratch, scratch, 1.0));
                kernel.backward(new MulOp(delta, scratch, delta));
            }
            case SIGMOID ->
            {
                kernel.forward(new Sigmoid(a, a));
                kernel.backward(new ScalarReverseSubtraction(a, scratch, 1.0));
                kernel.backward(new MulOp(scratch, a, scratch));
                kernel.backward(new MulOp(delta, scratch, delta));
            }
            case SOFTMAX ->
            {
                // dz = a ⊙ (da − rowsum(da ⊙ a)): the softmax Jacobian applied without forming it.
                kernel.forward(new SoftMax(a, a, 1));
                kernel.backward(new MulOp(delta, a, scratch));
                kernel.backward(DynamicCustomOp.builder("reduce_sum").addInputs(scratch).addOutputs(rowSums)
                    .addIntegerArguments(1).addBooleanArguments(true).build());
                kernel.backward(DynamicCustomOp.builder("subtract").addInputs(delta, rowSums).addOutputs(delta)
                    .build());
                kernel.backward(new MulOp(delta, a, delta));
            }
            default -> throw new IllegalStateException("unhandled activation " + activation);
        }
        return kernel;
    }

    /** Replaces the pre-activations by the activations, in place. */
    void forward()
    {
        for (final Runnable op : forward)
        {
            op.run();
        }
    }

    /** Turns dL/da into dL/dz in place, from the activations {@link #forward} left. */
    void backward()
    {
        for (final Runnable op : backward)
        {
            op.run();
        }
    }

    @Override
    public void close()
    {
        bound.forEach(BoundOp::close);
        bound.clear();
    }

    private void forward(final Op op)
    {
        forward.add(() -> Nd4j.exec(op));
    }

    private void forward(final CustomOp op)
    {
        forward.add(runBound(op));
    }

    private void backward(final Op op)
    {
        backward.add(() -> Nd4j.exec(op));
    }

    private void backward(final CustomOp op)
    {
        backward.add(runBound(op));
    }

    /** A legacy op (scalar, transform) allocates nothing once built; a custom op needs its context bound. */
    private Runnable runBound(final CustomOp op)
    {
        final BoundOp boundOp = BoundOp.of(op);
        bound.add(boundOp);
        return boundOp::run;
    }
}
