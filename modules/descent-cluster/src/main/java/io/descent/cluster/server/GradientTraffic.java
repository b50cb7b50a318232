package io.descent.cluster.server;

import io.descent.cluster.protocol.CompressionStats;
import io.descent.transport.codec.Compression;

/**
 * A parameter server's (or shard's) gradient traffic since it started: the bytes its gradients would have taken as
 * float32 and the bytes they took on the wire (and the same of the weights it published), the values they carried
 * and the last τ (threshold), for the report's {@code compression} section and {@code /metrics}. One writer (the compute thread, per summed gradient); read from
 * any thread (volatile fields, each consistent on its own).
 */
final class GradientTraffic
{
    private final Compression compression;
    private volatile long gradients;
    private volatile long denseBytes;
    private volatile long wireBytes;
    private volatile long values;
    private volatile long valuesSent;
    private volatile double tau = Double.NaN;
    private final Compression weights;
    private volatile long weightCopies;
    private volatile long weightDenseBytes;
    private volatile long weightWireBytes;
    private volatile long weightFullCopies;
    private volatile long weightValues;
    private volatile long weightValuesSent;
    private volatile double weightTau = Double.NaN;

    GradientTraffic(final Compression compression, final Compression weights)
    {
        this.compression = compression;
        this.weights = weights;
    }

    /**
     * Counts one range of weights queued to a worker. Compute thread only.
     *
     * @param floats the range's values.
     * @param wire   its bytes on the wire.
     */
    void addWeights(final int floats, final long wire)
    {
        weightCopies++;
        weightDenseBytes += (long)floats * Float.BYTES;
        weightWireBytes += wire;
    }

    /** Threshold weights: counts one copy sent whole as float32 (a worker's first version). Compute thread only. */
    void addFullWeights(final int floats)
    {
        addWeights(floats, (long)floats * Float.BYTES);
        weightFullCopies++;
    }

    /**
     * Threshold weights: counts one version's coded change of a range (once, however many workers get it).
     *
     * @param floats   the range's values.
     * @param sent     the values it carries.
     * @param rangeTau its τ.
     */
    void addWeightChange(final int floats, final long sent, final double rangeTau)
    {
        weightValues += floats;
        weightValuesSent += sent;
        weightTau = rangeTau;
    }

    /**
     * Counts one gradient range summed. Compute thread only.
     *
     * @param floats    the range's values.
     * @param wire      its bytes as they arrived.
     * @param sent      the values its encoding carried ({@code floats} when dense).
     * @param rangeTau  the τ it was encoded with, or NaN.
     */
    void add(final int floats, final long wire, final long sent, final double rangeTau)
    {
        gradients++;
        denseBytes += (long)floats * Float.BYTES;
        wireBytes += wire;
        values += floats;
        valuesSent += sent;
        if (!Double.isNaN(rangeTau))
        {
            tau = rangeTau;
        }
    }

    /** @return the counts so far; any thread. */
    CompressionStats snapshot()
    {
        return new CompressionStats(compression.label(), gradients, denseBytes, wireBytes, values, valuesSent, tau,
            new CompressionStats.WeightTraffic(weights.label(), weightCopies, weightDenseBytes, weightWireBytes,
                weightFullCopies, weightValues, weightValuesSent, weightTau));
    }
}
