package io.descent.transport.codec;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Picks each step's quantum τ for a {@link ThresholdEncoder} from the magnitudes the residual is about to reach
 * ({@code |residual + gradient|}) at a fixed sample of positions: τ is the sample's quantile that leaves the target
 * density at or above it (Deep Gradient Compression's sampled top-k threshold), so a step sends about the target
 * fraction even when the gradient's scale changes, with no warm-up. The sample is stratified (one position in each of
 * {@code s} equal strata, jittered by a fixed hash, so it does not alias with a layer's row length) and the same every
 * step; selection is a deterministic quickselect: the same inputs give the same τ, bit for bit.
 * <p>
 * Guards: τ moves at most {@value #MAX_STEP_FACTOR}× a step from the previous one (a burst or a sample of zeros does not
 * swing it), stays in {@code [minTau, maxTau]} and is kept when the sample holds non-finite values (the step is lost to
 * the server's divergence check anyway), so τ is always positive and finite. Allocation-free after construction;
 * confined to its encoder's thread.
 */
final class TauEstimator
{
    /** The most τ changes a step, either way. */
    static final float MAX_STEP_FACTOR = 4.0f;

    /** Samples per expected element above τ: the quantile's relative standard error is about 1 / √ of it. */
    static final int SAMPLES_PER_SENT = 64;
    static final int MIN_SAMPLES = 1024;
    static final int MAX_SAMPLES = 1 << 16;

    private final int[] positions;
    private final float[] samples;
    private final int rank;
    private final float minTau;
    private final float maxTau;

    /**
     * @param floats   the range's length.
     * @param settings the target density and τ bounds.
     */
    TauEstimator(final int floats, final ThresholdSettings settings)
    {
        final long wanted = (long)Math.ceil(SAMPLES_PER_SENT / settings.density());
        final int count = (int)Math.min(floats, Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, wanted)));
        positions = new int[count];
        samples = new float[count];
        for (int j = 0; j < count; j++)
        {
            final long lo = (long)j * floats / count;
            final long hi = (long)(j + 1) * floats / count;
            positions[j] = (int)(lo + Integer.toUnsignedLong(mix(j)) % (hi - lo));
        }
        final int above = (int)Math.max(1, Math.round(settings.density() * count));
        rank = Math.max(0, count - above);
        minTau = (float)settings.minTau();
        maxTau = (float)settings.maxTau();
    }

    /** @return how many positions are sampled each step. */
    int sampleCount()
    {
        return positions.length;
    }

    /**
     * @param previous   the τ of the previous step (or the initial τ), positive and finite.
     * @param residual   the residual before this step's gradient is added.
     * @param gradient   this step's gradient.
     * @param byteOffset where the range starts in {@code gradient}.
     * @return the τ for this step, in {@code [minTau, maxTau]}.
     */
    float next(final float previous, final float[] residual, final DirectBuffer gradient, final int byteOffset)
    {
        final int count = positions.length;
        if (0 == count)
        {
            return previous;
        }
        for (int j = 0; j < count; j++)
        {
            final int i = positions[j];
            final float magnitude = Math.abs(residual[i] + gradient.getFloat(byteOffset + (i << 2), LITTLE_ENDIAN));
            // NaN would break the selection's comparisons: order it with the infinities.
            samples[j] = magnitude == magnitude ? magnitude : Float.POSITIVE_INFINITY;
        }
        final float quantile = select(samples, count, rank);
        if (quantile == Float.POSITIVE_INFINITY)
        {
            return previous;
        }
        final float bounded = Math.max(previous / MAX_STEP_FACTOR, Math.min(previous * MAX_STEP_FACTOR, quantile));
        return Math.max(minTau, Math.min(maxTau, bounded));
    }

    /**
     * Hoare's quickselect with a median-of-three pivot: reorders {@code values[0, length)} and returns the value that
     * sorting them would put at {@code rank}. Deterministic; no NaN allowed.
     */
    static float select(final float[] values, final int length, final int rank)
    {
        int lo = 0;
        int hi = length - 1;
        while (hi > lo)
        {
            final float pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
            int i = lo;
            int j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    final float swap = values[i];
                    values[i++] = values[j];
                    values[j--] = swap;
                }
            }
            if (rank <= j)
            {
                hi = j;
            }
            else if (rank >= i)
            {
                lo = i;
            }
            else
            {
                return values[rank];
            }
        }
        return values[rank];
    }

    private static float medianOfThree(final float a, final float b, final float c)
    {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** A fixed 32-bit hash (MurmurHash3's finaliser): the jitter of sample {@code j} inside its stratum. */
    private static int mix(final int j)
    {
        int h = j * 0x9E3779B9 + 0x7F4A7C15;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
