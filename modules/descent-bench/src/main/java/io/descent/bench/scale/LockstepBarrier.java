package io.descent.bench.scale;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A step barrier between the processes of one machine, through a memory-mapped file: one long per rank, each on a
 * cache line of its own. After a step a process publishes the number of steps it has done and waits until every
 * participant has done as many, idling as a worker waits for its weights (spin, yield, then park up to 100 µs).
 * No data crosses it: it costs what synchronous training costs beyond the compute when the communication is free,
 * the wait for the slowest participant of every step.
 *
 * <p>Counts only grow: a window of steps starts from a base above every count written before. Each process owns its
 * slot; not thread-safe within a process.
 */
final class LockstepBarrier implements AutoCloseable
{
    /** Bytes per slot: a cache line and its neighbour, so that no two ranks share a prefetched pair. */
    static final int SLOT_BYTES = 128;

    private final FileChannel channel;
    private final UnsafeBuffer slots;
    private final int rank;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);

    private LockstepBarrier(final FileChannel channel, final MappedByteBuffer mapped, final int rank)
    {
        this.channel = channel;
        this.slots = new UnsafeBuffer(mapped);
        this.rank = rank;
    }

    /**
     * Maps the barrier file (created and sized here when missing).
     *
     * @param file  the file every participant maps.
     * @param ranks participants the file has slots for.
     * @param rank  this process's slot.
     * @return the barrier.
     */
    static LockstepBarrier open(final Path file, final int ranks, final int rank)
    {
        try
        {
            final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            return new LockstepBarrier(channel, channel.map(FileChannel.MapMode.READ_WRITE, 0,
                (long)ranks * SLOT_BYTES), rank);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("mapping the lockstep barrier " + file, ex);
        }
    }

    /**
     * Publishes that this process has done {@code count} steps and waits until ranks {@code 0..participants-1} have.
     *
     * @param count        steps done, larger than any count published before.
     * @param participants the ranks taking part, from 0.
     */
    void arrive(final long count, final int participants)
    {
        slots.putLongVolatile(rank * SLOT_BYTES, count);
        idle.reset();
        for (int other = 0; other < participants; other++)
        {
            while (slots.getLongVolatile(other * SLOT_BYTES) < count)
            {
                idle.idle();
            }
        }
    }

    /**
     * Publishes that this process has done {@code count} steps, waiting for no one (a free-running window that a
     * paced participant follows, {@link #awaitTotal}).
     *
     * @param count steps done, larger than any count published before.
     */
    void publish(final long count)
    {
        slots.putLongVolatile(rank * SLOT_BYTES, count);
    }

    /**
     * Waits until slots {@code first..first+count-1} have together done {@code total} steps since {@code base}, or
     * until {@code deadlineNs} ({@link System#nanoTime}) passes.
     *
     * @return true when they have, false at the deadline.
     */
    boolean awaitTotal(final int first, final int count, final long base, final long total, final long deadlineNs)
    {
        idle.reset();
        while (true)
        {
            long done = 0;
            for (int slot = first; slot < first + count; slot++)
            {
                done += Math.max(0, slots.getLongVolatile(slot * SLOT_BYTES) - base);
            }
            if (done >= total)
            {
                return true;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            idle.idle();
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("closing the lockstep barrier", ex);
        }
    }
}
