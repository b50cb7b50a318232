package io.descent.cluster.protocol;

import io.descent.cluster.dataplane.TransportStats;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What a worker reports with its gradient of one step: the example count (its weight in the average), the batch's
 * loss, the squared norm of the gradient it pushed and the worker's cumulative counters. It travels on the data plane
 * right behind the gradient, on the same Aeron publication and under the same MAC or CRC, to every parameter-server
 * shard, so the step barrier closes on data-plane arrivals alone. Immutable.
 *
 * <p>Wire form, little-endian, {@link #BYTES} bytes: {@code int32 examples, int32 layout (}{@link #LAYOUT}{@code ),
 * float64 loss, int64 samples, float64 computeSeconds, float64 pushSeconds, float64 waitSeconds, int64 bytesSent,
 * float64 squares}, then the {@link TransportStats} wire form. Layout 0 had no {@code squares} and was 8 bytes
 * shorter: a message's length is part of its identity on the data plane, so a report of the other layout is never
 * taken for this one (it is counted as unexpected); a report naming another layout decodes without a norm.
 *
 * @param examples       rows of the batch (at least 1).
 * @param loss           mean loss of the batch before the update.
 * @param samples        examples the worker has computed gradients for so far, this one included.
 * @param computeSeconds its time in forward + backward passes so far (batch filling included).
 * @param pushSeconds    its time handing gradients to the data plane so far.
 * @param waitSeconds    its time waiting for the next weights and order so far.
 * @param bytesSent      data-plane payload bytes it has sent so far.
 * @param transport      what its data plane has dropped or missed so far.
 * @param squares        the squared L2 norm of the whole gradient pushed, over the values the servers decode (+∞
 *                       when one is not finite), for gradient-norm clipping under {@code ssp} and {@code async} with
 *                       server shards; NaN when the worker did not compute it (not needed).
 */
public record GradientMeta(
    int examples, double loss, long samples, double computeSeconds, double pushSeconds, double waitSeconds,
    long bytesSent, TransportStats transport, double squares)
{
    /** The wire layout this class writes and reads: 1 added {@code squares}. */
    public static final int LAYOUT = 1;

    private static final int COUNTERS_BYTES = 64;

    /** Length of the wire form. */
    public static final int BYTES = COUNTERS_BYTES + TransportStats.BYTES;

    /** A report without a gradient norm (not needed: no clipping, or the servers compute it). */
    public GradientMeta(
        final int examples, final double loss, final long samples, final double computeSeconds,
        final double pushSeconds, final double waitSeconds, final long bytesSent, final TransportStats transport)
    {
        this(examples, loss, samples, computeSeconds, pushSeconds, waitSeconds, bytesSent, transport, Double.NaN);
    }

    /**
     * @return true when {@link #squares} is a squared norm a server can clip by: at least 0, or +∞ (a gradient that
     * is not finite: the server finds it diverged, as one server would); false for NaN (none) or a negative value,
     * which no worker sends.
     */
    public boolean hasSquares()
    {
        return squares >= 0.0;
    }

    /** Writes this report at offset 0 of {@code buffer}. */
    public void encode(final MutableDirectBuffer buffer)
    {
        buffer.putInt(0, examples, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(4, LAYOUT, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(8, loss, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(16, samples, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(24, computeSeconds, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(32, pushSeconds, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(40, waitSeconds, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(48, bytesSent, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(56, squares, ByteOrder.LITTLE_ENDIAN);
        transport.encode(buffer, COUNTERS_BYTES);
    }

    /** @return the report written at offset 0 of {@code buffer}. */
    public static GradientMeta decode(final DirectBuffer buffer)
    {
        final boolean known = buffer.getInt(4, ByteOrder.LITTLE_ENDIAN) == LAYOUT;
        return new GradientMeta(buffer.getInt(0, ByteOrder.LITTLE_ENDIAN), buffer.getDouble(8, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(16, ByteOrder.LITTLE_ENDIAN), buffer.getDouble(24, ByteOrder.LITTLE_ENDIAN),
            buffer.getDouble(32, ByteOrder.LITTLE_ENDIAN), buffer.getDouble(40, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(48, ByteOrder.LITTLE_ENDIAN), TransportStats.decode(buffer, COUNTERS_BYTES),
            known ? buffer.getDouble(56, ByteOrder.LITTLE_ENDIAN) : Double.NaN);
    }

    /** @return the worker's counters as {@link WorkerStats}, with what the server knows of it from registration. */
    public WorkerStats stats(final int rank, final String host, final long pid)
    {
        return new WorkerStats(rank, host, pid, samples, computeSeconds, pushSeconds, waitSeconds, bytesSent,
            transport);
    }
}
