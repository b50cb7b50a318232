package io.descent.cluster.protocol;

import java.util.List;

/**
 * A parameter server's (or one shard's) gradient traffic, for the report's {@code compression} section: what its
 * summed gradients would have taken as float32 and what they took on the wire. Immutable.
 *
 * @param codec      the compression's label ({@code none}, {@code fp16}, …).
 * @param gradients  gradient ranges summed.
 * @param denseBytes their bytes as float32 (before compression).
 * @param wireBytes  their bytes as they arrived (after compression).
 * @param values     the values they covered.
 * @param valuesSent the values their encodings carried (= values unless sparse).
 * @param tau        the threshold τ of the last one, or NaN without a threshold.
 * @param weights    the weights' traffic this server published (every copy to every worker, its range).
 */
public record CompressionStats(
    String codec, long gradients, long denseBytes, long wireBytes, long values, long valuesSent, double tau,
    WeightTraffic weights)
{
    /**
     * The weights a server (or shard) published to workers: every copy of its range, as float32 and on the wire.
     *
     * @param codec      {@code none}, {@code fp16}, {@code bf16} or {@code threshold}
     *                   ({@code descent.cluster.weight-compression}).
     * @param copies     ranges sent (one per worker and version).
     * @param denseBytes their bytes as float32.
     * @param wireBytes  their bytes on the wire.
     * @param fullCopies threshold: the copies sent whole as float32 (a worker's first version: the job's start, a
     *                   join, a server restart); the others carried a version's coded change. Else 0.
     * @param values     threshold: the values the coded changes covered (once per version and range), else 0.
     * @param valuesSent threshold: the values they carried.
     * @param tau        threshold: the τ of the last coded change, else NaN.
     */
    public record WeightTraffic(
        String codec, long copies, long denseBytes, long wireBytes, long fullCopies, long values, long valuesSent,
        double tau)
    {
        /** Counts without a threshold code. */
        public WeightTraffic(final String codec, final long copies, final long denseBytes, final long wireBytes)
        {
            this(codec, copies, denseBytes, wireBytes, 0, 0, 0, Double.NaN);
        }

        WeightTraffic plus(final WeightTraffic other)
        {
            return null == other ? this : new WeightTraffic(codec, copies + other.copies,
                denseBytes + other.denseBytes, wireBytes + other.wireBytes, fullCopies + other.fullCopies,
                values + other.values, valuesSent + other.valuesSent, Double.isNaN(tau) ? other.tau : tau);
        }

        /** @return the fraction of the coded changes' values sent, or NaN when none was coded. */
        public double density()
        {
            return values == 0 ? Double.NaN : (double)valuesSent / values;
        }
    }

    /**
     * @param parts a server's and its shards' stats (nulls skipped: a shard that never reported).
     * @return their sums (the codec and τ of the first), or null when there is none.
     */
    public static CompressionStats sum(final List<CompressionStats> parts)
    {
        CompressionStats total = null;
        for (final CompressionStats part : parts)
        {
            if (null == part)
            {
                continue;
            }
            total = null == total ? part : new CompressionStats(total.codec, total.gradients + part.gradients,
                total.denseBytes + part.denseBytes, total.wireBytes + part.wireBytes, total.values + part.values,
                total.valuesSent + part.valuesSent, Double.isNaN(total.tau) ? part.tau : total.tau,
                null == total.weights ? part.weights : total.weights.plus(part.weights));
        }
        return total;
    }

    /** @return the fraction of values sent (1 when dense), or NaN before any gradient. */
    public double density()
    {
        return values == 0 ? Double.NaN : (double)valuesSent / values;
    }
}
