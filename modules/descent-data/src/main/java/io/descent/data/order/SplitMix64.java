package io.descent.data.order;

/**
 * The SplitMix64 generator (Steele, Lea, Flood 2014), written out so that a seed gives the same sequence on every
 * JVM and JDK version (unlike {@code SplittableRandom}'s bounded draws, whose algorithm the JDK may change).
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class SplitMix64
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /**
     * @param seed any value; equal seeds give equal sequences.
     */
    public SplitMix64(final long seed)
    {
        this.state = seed;
    }

    /**
     * A strong 64-bit mixing function, used to derive independent seeds from (seed, stream) pairs.
     *
     * @param value the value to mix.
     * @return the mixed value.
     */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Derive a seed for a sub-stream, e.g. {@code derive(seed, epoch)}; distinct streams give unrelated seeds.
     *
     * @param seed   the shared seed.
     * @param stream the sub-stream number.
     * @return a seed for that sub-stream.
     */
    public static long derive(final long seed, final long stream)
    {
        return mix(mix(seed) + GOLDEN_GAMMA * (stream + 1));
    }

    /**
     * @return the next 64 uniformly distributed bits.
     */
    public long nextLong()
    {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /**
     * A uniform integer in {@code [0, bound)} without modulo bias (Lemire's multiply-and-reject).
     *
     * @param bound exclusive upper bound, > 0.
     * @return the draw.
     */
    public int nextInt(final int bound)
    {
        if (bound <= 0)
        {
            throw new IllegalArgumentException("bound must be > 0: " + bound);
        }
        long product = (nextLong() >>> 32) * bound;
        long low = product & 0xFFFFFFFFL;
        if (low < bound)
        {
            final long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold)
            {
                product = (nextLong() >>> 32) * bound;
                low = product & 0xFFFFFFFFL;
            }
        }
        return (int)(product >>> 32);
    }

    /**
     * @return a uniform double in {@code [0, 1)} with 53 random bits.
     */
    public double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
