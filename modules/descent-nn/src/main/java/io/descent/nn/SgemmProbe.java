package io.descent.nn;

import io.descent.nn.kernel.NativeBuild;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures this machine's float32 matrix-multiply speed through ND4J's BLAS: the yardstick every compute benchmark
 * divides by, and a start-up check that the BLAS kernel in use is not a slow generic fallback.
 */
public final class SgemmProbe
{
    private static final Logger LOG = LoggerFactory.getLogger(SgemmProbe.class);
    /** Below this many GFLOP/s per BLAS thread an AVX2/AVX-512 CPU is running a generic kernel. */
    private static final double SLOW_GFLOPS_PER_THREAD = 25.0;

    private SgemmProbe()
    {
    }

    /**
     * Times {@code C = A·B} for square n×n float32 matrices, best of {@code rounds} rounds of {@code reps}
     * multiplications after one warm-up round.
     *
     * @param n      matrix order.
     * @param reps   multiplications per round.
     * @param rounds rounds (the best one counts).
     * @return GFLOP/s (2n³ per multiplication).
     */
    public static double gflops(final int n, final int reps, final int rounds)
    {
        final INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        final INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        final INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double best = 0.0;
        for (int round = 0; round < rounds; round++)
        {
            final long start = System.nanoTime();
            for (int i = 0; i < reps; i++)
            {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, 2.0 * n * n * (double)n * reps / seconds / 1e9);
        }
        return best;
    }

    /**
     * A quick (~0.1 s) calibration logged at start: ND4J's native build (oneDNN or stock), the BLAS core type asked
     * for, the threads and the sgemm speed, with a warning when it is far below what a vector CPU does.
     *
     * @return the measured GFLOP/s.
     */
    public static double logCalibration()
    {
        final int threads = Nd4j.factory().blas().getMaxThreads();
        final double gflops = gflops(1024, 4, 3);
        final String core = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "auto-detected");
        LOG.info("ND4J native build {}; BLAS: OpenBLAS core {}, {} thread(s), sgemm 1024: {} GFLOP/s",
            NativeBuild.name(), core, threads, Math.round(gflops));
        if (gflops < SLOW_GFLOPS_PER_THREAD * threads)
        {
            LOG.warn("sgemm runs at {} GFLOP/s with {} thread(s): OpenBLAS may be using a generic kernel; set " +
                "OPENBLAS_CORETYPE (SkylakeX for AVX-512, Haswell for AVX2) or check OMP_WAIT_POLICY=PASSIVE",
                Math.round(gflops), threads);
        }
        return gflops;
    }
}
