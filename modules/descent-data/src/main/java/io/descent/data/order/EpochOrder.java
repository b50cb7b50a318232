package io.descent.data.order;

/**
 * The order in which the rows of a dataset are visited in one epoch: a permutation of {@code 0..n-1} that depends
 * only on (n, seed, epoch), identical on every JVM, so that all workers of a job agree on it without talking.
 *
 * <p>Stateless and thread-safe.
 */
public final class EpochOrder
{
    private EpochOrder()
    {
    }

    /**
     * The permutation for one epoch: a Fisher–Yates shuffle of {@code 0..n-1} driven by
     * {@code SplitMix64(derive(seed, epoch))}.
     *
     * @param n     number of rows, ≥ 0.
     * @param seed  the job's shared seed.
     * @param epoch the epoch number (any value; usually 0, 1, 2, …).
     * @return a new array holding each of {@code 0..n-1} exactly once.
     */
    public static int[] permutation(final int n, final long seed, final long epoch)
    {
        final int[] order = new int[n];
        permutation(n, seed, epoch, order);
        return order;
    }

    /**
     * Like {@link #permutation(int, long, long)} but writes into a caller-owned array (no allocation).
     *
     * @param n     number of rows, ≥ 0.
     * @param seed  the job's shared seed.
     * @param epoch the epoch number.
     * @param out   array of length ≥ n; its first n entries are overwritten.
     */
    public static void permutation(final int n, final long seed, final long epoch, final int[] out)
    {
        if (n < 0 || out.length < n)
        {
            throw new IllegalArgumentException("n must be in 0.." + out.length + ": " + n);
        }
        for (int i = 0; i < n; i++)
        {
            out[i] = i;
        }
        final SplitMix64 random = new SplitMix64(SplitMix64.derive(seed, epoch));
        for (int i = n - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = out[i];
            out[i] = out[j];
            out[j] = swap;
        }
    }
}
