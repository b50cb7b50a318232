package io.descent.nn.kernel;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One deterministic ND4J custom op (matrix product, softmax, element-wise product, reduction, …) bound once to its
 * input and output arrays and its arguments, then run any number of times without allocating.
 *
 * <p>{@code Nd4j.exec(op)} builds a native op context for every call, with JavaCPP buffers for the op's integer and
 * floating-point arguments that only the garbage collector frees; and every JavaCPP allocation checks the process's
 * resident memory against {@code org.bytedeco.javacpp.maxphysicalbytes}, forcing a full collection ({@code
 * System.gc()}) when it is over. A bound op builds its context once and runs it with
 * {@code OpExecutioner.exec(op, context)}: the same native op with the same arguments, so the results are bitwise
 * those of {@code Nd4j.exec(op)}.
 *
 * <p>The arrays are bound by identity: write new values into them and run again, but never replace one (bind a new op
 * and {@link #close} this one; rebinding an array of a live context grows it natively on every call). Outputs must
 * have their final shape. Not for random ops (the context carries no generator state).
 *
 * <p>Not thread-safe: run it on the thread that owns its arrays.
 */
public final class BoundOp implements AutoCloseable
{
    private final CustomOp op;
    private final OpContext context;

    private BoundOp(final CustomOp op)
    {
        this.op = op;
        this.context = Nd4j.getExecutioner().buildContext();
        context.markInplace(op.isInplaceCall());
        context.setInputArrays(op.inputArguments());
        context.setOutputArrays(op.outputArguments());
        if (op.bArgs().length > 0)
        {
            context.setBArguments(op.bArgs());
        }
        if (op.iArgs().length > 0)
        {
            context.setIArguments(op.iArgs());
        }
        if (op.tArgs().length > 0)
        {
            context.setTArguments(op.tArgs());
        }
        if (op.dArgs().length > 0)
        {
            context.setDArguments(op.dArgs());
        }
    }

    /**
     * Binds an op whose inputs, outputs and arguments are all set.
     *
     * @param op the op, e.g. {@code new MulOp(x, y, z)}; it must name its output arrays.
     * @return the bound op; close it when its arrays are replaced.
     * @throws IllegalArgumentException if the op has no output array.
     */
    public static BoundOp of(final CustomOp op)
    {
        if (op.outputArguments().isEmpty())
        {
            throw new IllegalArgumentException("a bound op writes into preallocated arrays: give " + op.opName() +
                " its output");
        }
        return new BoundOp(op);
    }

    /**
     * Binds {@code c = alpha · op(a) · op(b) + beta · c}, the op {@code Nd4j.gemm(a, b, c, transposeA, transposeB,
     * alpha, beta)} runs.
     *
     * @param a          left operand.
     * @param b          right operand.
     * @param c          result, not a strided view.
     * @param transposeA use aᵀ.
     * @param transposeB use bᵀ.
     * @param alpha      scale of the product.
     * @param beta       scale of c's previous values (0 overwrites them).
     * @return the bound product.
     */
    public static BoundOp gemm(
        final INDArray a, final INDArray b, final INDArray c, final boolean transposeA, final boolean transposeB,
        final double alpha, final double beta)
    {
        if (c.elementWiseStride() != 1)
        {
            throw new IllegalArgumentException("a matrix product's result must be contiguous, not a strided view: " +
                c.shapeInfoToString());
        }
        return of(new Mmul(a, b, c, alpha, beta,
            MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
    }

    /** Runs the op on the bound arrays' current values. */
    public void run()
    {
        Nd4j.getExecutioner().exec(op, context);
    }

    /** Frees the native context now (else the garbage collector does). Do not run the op afterwards. */
    @Override
    public void close()
    {
        try
        {
            context.close();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("freeing the native context of " + op.opName(), ex);
        }
    }
}
