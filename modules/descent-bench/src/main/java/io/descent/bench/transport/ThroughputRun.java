package io.descent.bench.transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Times one channel at one size: warm-up transfers (at least one, for at least 1 s: the JIT compiles the MAC
 * intrinsics), then repeats (enough to move about 1 GB, 3 to 25 of them), reporting the median and best throughput.
 * Verifies the destination against the source after the last repeat. {@link #pairedRatio} compares two channels
 * transfer by transfer, alternating, so that a shared host's drift hits both alike.
 */
final class ThroughputRun
{
    private static final long TARGET_BYTES = 1L << 30;
    private static final int MIN_REPEATS = 3;
    private static final int MAX_REPEATS = 25;
    private static final long WARM_UP_NS = 1_000_000_000L;

    private ThroughputRun()
    {
    }

    /**
     * Median and best throughput of one channel at one size, in GB/s (10^9 bytes per second), and the bytes each side
     * moved per CPU-second over the timed transfers ({@link SideCpu}; NaN for a channel without two sides).
     */
    record Measurement(String channel, int sizeBytes, double medianGbPerS, double bestGbPerS, int repeats,
        double senderGbPerCpuS, double receiverGbPerCpuS)
    {
        /** A measurement without CPU times. */
        Measurement(final String channel, final int sizeBytes, final double medianGbPerS, final double bestGbPerS,
            final int repeats)
        {
            this(channel, sizeBytes, medianGbPerS, bestGbPerS, repeats, Double.NaN, Double.NaN);
        }

        /** @return true when both sides' CPU time was measured. */
        boolean hasCpu()
        {
            return !Double.isNaN(senderGbPerCpuS) && !Double.isNaN(receiverGbPerCpuS);
        }

        /** @return the busier side's bytes per CPU-second: the rate bounding a transfer whose sides are never idle. */
        double busierSideGbPerCpuS()
        {
            return Math.min(senderGbPerCpuS, receiverGbPerCpuS);
        }
    }

    /**
     * @param repeats 0 for automatic, else the number of timed transfers.
     */
    static Measurement measure(
        final BenchChannel channel, final UnsafeBuffer source, final UnsafeBuffer destination, final int size,
        final int repeats) throws Exception
    {
        final int n = repeats > 0 ? repeats :
            (int)Math.max(MIN_REPEATS, Math.min(MAX_REPEATS, TARGET_BYTES / size));
        destination.setMemory(0, size, (byte)0);
        final long warmUpEnd = System.nanoTime() + WARM_UP_NS;
        for (int i = 0; i < MAX_REPEATS && (i < 1 || System.nanoTime() - warmUpEnd < 0); i++)
        {
            channel.transfer(source, destination, size);
        }
        final SideCpu cpu = channel.cpu();
        if (null != cpu)
        {
            cpu.reset();
        }
        final double[] gbPerS = new double[n];
        for (int i = 0; i < n; i++)
        {
            final long nanos = Math.max(1, channel.transfer(source, destination, size));
            gbPerS[i] = size / (double)nanos;
        }
        verify(channel.name(), source, destination, size);
        Arrays.sort(gbPerS);
        final double median = n % 2 == 1 ? gbPerS[n / 2] : (gbPerS[n / 2 - 1] + gbPerS[n / 2]) / 2;
        final double bytes = (double)size * n;
        return null == cpu || cpu.senderNs() <= 0 || cpu.receiverNs() <= 0 ?
            new Measurement(channel.name(), size, median, gbPerS[n - 1], n) :
            new Measurement(channel.name(), size, median, gbPerS[n - 1], n, bytes / cpu.senderNs(),
                bytes / cpu.receiverNs());
    }

    /**
     * Alternates transfers of {@code a} and {@code b} at one size (after warming both) and returns the median over
     * the pairs of a's throughput ÷ b's.
     *
     * @param repeats 0 for automatic, else the number of pairs.
     */
    static double pairedRatio(
        final BenchChannel a, final BenchChannel b, final UnsafeBuffer source, final UnsafeBuffer destination,
        final int size, final int repeats) throws Exception
    {
        final int n = repeats > 0 ? repeats :
            (int)Math.max(MIN_REPEATS, Math.min(MAX_REPEATS, TARGET_BYTES / size));
        final long warmUpEnd = System.nanoTime() + WARM_UP_NS;
        for (int i = 0; i < MAX_REPEATS && (i < 1 || System.nanoTime() - warmUpEnd < 0); i++)
        {
            a.transfer(source, destination, size);
            b.transfer(source, destination, size);
        }
        final double[] ratios = new double[n];
        for (int i = 0; i < n; i++)
        {
            final long aNanos = Math.max(1, a.transfer(source, destination, size));
            final long bNanos = Math.max(1, b.transfer(source, destination, size));
            ratios[i] = bNanos / (double)aNanos;
        }
        verify(a.name() + "/" + b.name(), source, destination, size);
        Arrays.sort(ratios);
        return n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
    }

    private static void verify(final String name, final UnsafeBuffer source, final UnsafeBuffer destination,
        final int size)
    {
        for (int i = 0; i + Long.BYTES <= size; i += Long.BYTES)
        {
            if (source.getLong(i) != destination.getLong(i))
            {
                throw new IllegalStateException(name + " delivered different bytes at offset " + i);
            }
        }
        for (int i = size & ~7; i < size; i++)
        {
            if (source.getByte(i) != destination.getByte(i))
            {
                throw new IllegalStateException(name + " delivered different bytes at offset " + i);
            }
        }
    }
}
