package io.descent.bench.model;

/**
 * The communication-time lower bound of the BytePS analysis (Jiang et al., OSDI 2020) for n workers and k extra
 * server machines, every machine on a link of bandwidth B: 2n(n−1)M / ((n² + kn − 2k)·B). With k = 0 it is
 * all-reduce's 2(n−1)M/(nB); with k = n it is M/B. Stateless.
 */
public final class BytePsBound
{
    private BytePsBound()
    {
    }

    /**
     * @param n               workers, ≥ 1.
     * @param k               server machines, ≥ 0.
     * @param bytes           M, bytes of the gradient (and of the weights).
     * @param bytesPerSec     B, every link's rate each way.
     * @return the least seconds a step's communication can take; 0 for one worker.
     */
    public static double seconds(final int n, final int k, final double bytes, final double bytesPerSec)
    {
        if (n < 1 || k < 0 || !(bytesPerSec > 0))
        {
            throw new IllegalArgumentException("n ≥ 1, k ≥ 0 and a positive rate expected, got " + n + ", " + k +
                ", " + bytesPerSec);
        }
        if (n == 1)
        {
            return 0.0;
        }
        final double nn = n;
        return 2.0 * nn * (nn - 1) * bytes / ((nn * nn + (double)k * nn - 2.0 * k) * bytesPerSec);
    }
}
