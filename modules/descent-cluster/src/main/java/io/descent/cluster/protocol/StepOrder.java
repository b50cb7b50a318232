package io.descent.cluster.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The parameter server's order to one worker for one step: compute the gradient of batch {@code batch} of epoch
 * {@code epoch} of each of {@code shards} (the worker's own shard, plus any reassigned from lost workers), on the
 * weights of version {@code step}. It travels on the data plane right behind those weights, on the same Aeron
 * publication, so a worker never sees weights without their order and the step needs no control message.
 *
 * <p>Wire form, little-endian int32s: {@code epoch, batch, count, shard[0..count)}, padded to
 * {@link #ints(int) ints(maxShards)} so that every order of a job has the same length. Immutable.
 *
 * @param step   the step (and the weights version to compute on).
 * @param epoch  its 1-based epoch (the shard order depends on it).
 * @param batch  its 0-based batch within the epoch.
 * @param shards the shards to compute, in increasing order.
 */
public record StepOrder(long step, int epoch, int batch, int[] shards)
{
    private static final int HEADER_INTS = 3;

    /** @return the message length in 4-byte words for a job of {@code maxShards} shards. */
    public static int ints(final int maxShards)
    {
        return HEADER_INTS + maxShards;
    }

    /**
     * Writes this order at offset 0 of {@code buffer}.
     *
     * @return the bytes written.
     */
    public int encode(final MutableDirectBuffer buffer)
    {
        buffer.putInt(0, epoch, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(Integer.BYTES, batch, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(2 * Integer.BYTES, shards.length, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < shards.length; i++)
        {
            buffer.putInt((HEADER_INTS + i) * Integer.BYTES, shards[i], ByteOrder.LITTLE_ENDIAN);
        }
        return (HEADER_INTS + shards.length) * Integer.BYTES;
    }

    /**
     * @param step   the step the message was sent for.
     * @param buffer the message, from offset 0.
     * @return the order.
     * @throws IllegalArgumentException when the shard count does not fit the buffer.
     */
    public static StepOrder decode(final long step, final DirectBuffer buffer)
    {
        final int count = buffer.getInt(2 * Integer.BYTES, ByteOrder.LITTLE_ENDIAN);
        if (count < 1 || (HEADER_INTS + count) * Integer.BYTES > buffer.capacity())
        {
            throw new IllegalArgumentException("step order " + step + " names " + count + " shards, the message holds" +
                " at most " + (buffer.capacity() / Integer.BYTES - HEADER_INTS));
        }
        final int[] shards = new int[count];
        for (int i = 0; i < count; i++)
        {
            shards[i] = buffer.getInt((HEADER_INTS + i) * Integer.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        return new StepOrder(step, buffer.getInt(0, ByteOrder.LITTLE_ENDIAN),
            buffer.getInt(Integer.BYTES, ByteOrder.LITTLE_ENDIAN), shards);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof StepOrder order && order.step == step && order.epoch == epoch &&
            order.batch == batch && Arrays.equals(order.shards, shards);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(step) * 31 + Arrays.hashCode(shards);
    }

    @Override
    public String toString()
    {
        return "StepOrder[step=" + step + ", epoch=" + epoch + ", batch=" + batch + ", shards=" +
            Arrays.toString(shards) + "]";
    }
}
