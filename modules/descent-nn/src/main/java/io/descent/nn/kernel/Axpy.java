package io.descent.nn.kernel;

import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code y ← y + α·x} rounded the same way at every position of every vector: {@code round(y + round(α·x))}, the
 * product rounded to float first, then the sum. BLAS {@code saxpy} does not promise that: the bundled OpenBLAS fuses
 * the multiply and add (one rounding) in its vector loop but not in the scalar remainder of each thread's block, so
 * the same element computed inside a longer or a shorter vector (one parameter server's whole vector against a
 * shard's range of it, split among threads elsewhere) can differ in the last bit — measured: 2 to 11 elements of
 * 168,003 with α = −0.0137 and 1/3. Server shards must equal one server bit for bit, and the single-process trainer
 * the cluster, so every {@code axpy} whose α is not 1 goes through here.
 *
 * <p>α = 1 needs no product and goes straight to BLAS (one rounding either way). Otherwise {@code x} is copied into a
 * scratch vector, scaled there ({@code scal}: one multiply, one rounding per element wherever it lies) and added with
 * {@code axpy(1)}: BLAS level-1 calls only, which allocate nothing (an ND4J scalar op would allocate native memory at
 * every call: {@code StepAllocationTest}); two more passes over a vector than a fused axpy. Not thread-safe: one per
 * optimizer or engine.
 */
public final class Axpy
{
    private final INDArray scratch;

    /** @param like a vector of the length and type this axpy will handle (its scratch is made like it, once). */
    public Axpy(final INDArray like)
    {
        this.scratch = Nd4j.createUninitialized(like.dataType(), like.length());
    }

    /**
     * {@code y ← y + α·x}.
     *
     * @param alpha the factor.
     * @param x     a contiguous vector of this axpy's length (read).
     * @param y     a contiguous vector of the same length (updated in place).
     */
    public void apply(final double alpha, final INDArray x, final INDArray y)
    {
        final long n = y.length();
        final Level1 blas = Nd4j.getBlasWrapper().level1();
        if (alpha != 1.0)
        {
            blas.copy(x, scratch);
            blas.scal(n, alpha, scratch);
        }
        blas.axpy(n, 1.0, alpha == 1.0 ? x : scratch, y);
    }
}
