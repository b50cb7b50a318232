package io.descent.cluster.protocol;

import io.descent.cluster.dataplane.TransportStats;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What a worker reports with its gradient of one step: the example count (its weight in the average), the batch's
 * loss and the worker's cumulative counters. It travels on the data plane right behind the gradient, on the same
 * Aeron publication, so the step barrier closes on data-plane arrivals alone. Immutable.
 *
 * <p>Wire form, little-endian, {@link #BYTES} bytes: {@code int32 examples, int32 0, float64 loss, int64 samples,
 * float64 computeSeconds, float64 pushSeconds, float64 waitSeconds, int64 bytesSent}, then the
 * {@link TransportStats} wire form.
 *
 * @param examples       rows of the batch (at least 1).
 * @param loss           mean loss of the batch before the update.
 * @param samples        examples the worker has computed gradients for so far, this one included.
 * @param computeSeconds its time in forward + backward passes so far (batch filling included).
 * @param pushSeconds    its time handing gradients to the data plane so far.
 * @param waitSeconds    its time waiting for the next weights and order so far.
 * @param bytesSent      data-plane payload bytes it has sent so far.
 * @param transport      what its data plane has dropped or missed so far.
 */
public record GradientMeta(
    int examples, double loss, long samples, double computeSeconds, double pushSeconds, double waitSeconds,
    long bytesSent, TransportStats transport)
{
    private static final int COUNTERS_BYTES = 56;

    /** Length of the wire form. */
    public static final int BYTES = COUNTERS_BYTES + TransportStats.BYTES;

    /** Writes this report at offset 0 of {@code buffer}. */
    public void encode(final MutableDirectBuffer buffer)
    {
        buffer.putInt(0, examples, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(4, 0, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(8, loss, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(16, samples, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(24, computeSeconds, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(32, pushSeconds, ByteOrder.LITTLE_ENDIAN);
        buffer.putDouble(40, waitSeconds, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(48, bytesSent, ByteOrder.LITTLE_ENDIAN);
        transport.encode(buffer, COUNTERS_BYTES);
    }

    /** @return the report written at offset 0 of {@code buffer}. */
    public static GradientMeta decode(final DirectBuffer buffer)
    {
        return new GradientMeta(buffer.getInt(0, ByteOrder.LITTLE_ENDIAN), buffer.getDouble(8, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(16, ByteOrder.LITTLE_ENDIAN), buffer.getDouble(24, ByteOrder.LITTLE_ENDIAN),
            buffer.getDouble(32, ByteOrder.LITTLE_ENDIAN), buffer.getDouble(40, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(48, ByteOrder.LITTLE_ENDIAN), TransportStats.decode(buffer, COUNTERS_BYTES));
    }

    /** @return the worker's counters as {@link WorkerStats}, with what the server knows of it from registration. */
    public WorkerStats stats(final int rank, final String host, final long pid)
    {
        return new WorkerStats(rank, host, pid, samples, computeSeconds, pushSeconds, waitSeconds, bytesSent,
            transport);
    }
}
