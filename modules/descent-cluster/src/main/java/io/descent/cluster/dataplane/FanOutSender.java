package io.descent.cluster.dataplane;

import io.descent.transport.send.BroadcastTags;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Arrays;

/**
 * Sends messages to several peers from one thread, interleaved: each {@link #progress() round} gives every busy
 * peer's {@link Outlet} as much as its publication takes now, so a back-pressured or stalled peer never holds back
 * another peer's messages. Each peer's messages go out whole and in the order queued; one that fails ends that
 * peer's queue (the rest are not sent) and is kept as the peer's failure until {@link #collectFailures collected}.
 * A peer's queue can also be {@link #abandon abandoned} (the peer was dropped), which is no failure. A message queued
 * to several peers at once (the same {@link MessageId} and the same source buffer: the weights) is a broadcast: its
 * outlets share one {@link BroadcastTags}, so with a MAC each chunk is tagged once for all of them.
 *
 * <p>Queued sources are read until their message is done: the caller must not change them meanwhile (see
 * {@link #failBusy} for a caller that must). Preallocated for a number of peers and messages per peer: queueing and
 * progressing allocate nothing. Not thread-safe: confined to the sending thread.
 */
public final class FanOutSender
{
    /** Told of each failed send when failures are {@link #collectFailures collected}. */
    @FunctionalInterface
    public interface Failures
    {
        /**
         * @param peer the peer.
         * @param id   the message that failed (the peer's later messages were not sent).
         * @param why  why, never {@link SendResult#SENT} or {@link SendResult#PENDING}.
         */
        void onFailed(int peer, MessageId id, SendResult why);
    }

    private final NanoClock clock;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
    private final Outlet[] outlets;
    private final MessageId[][] ids;
    private final DirectBuffer[][] sources;
    /** Per peer and queued message: its length in bytes (a variable-length encoding's is not its id's). */
    private final int[][] lengths;
    private final long[][] deadlines;
    private final int[] queued;
    private final int[] next;
    private final boolean[] begun;
    private final MessageId[] failedIds;
    private final SendResult[] failures;
    /** Per peer and queued message: the index in {@link #tagPool} of the tags it shares, or -1. */
    private final int[][] sharedTags;
    private BroadcastTags[] tagPool = new BroadcastTags[0];
    /** Per {@link #tagPool} entry: the queued messages that use it (0: free). */
    private int[] tagUsers = new int[0];
    /** A source still being written while it is sent ({@link #writing}), or null, and how much of it is written. */
    private DirectBuffer writing;
    private int written;
    private int busyPeers;
    private int failedPeers;
    private long bytesSent;

    /**
     * @param peers    peers are numbered 0 to {@code peers - 1} (e.g. worker ranks).
     * @param capacity messages that can be queued per peer at once.
     * @param clock    for {@link #flush}'s stall window (System.nanoTime-based in production).
     */
    public FanOutSender(final int peers, final int capacity, final NanoClock clock)
    {
        this.clock = clock;
        this.outlets = new Outlet[peers];
        this.ids = new MessageId[peers][capacity];
        this.sources = new DirectBuffer[peers][capacity];
        this.lengths = new int[peers][capacity];
        this.deadlines = new long[peers][capacity];
        this.queued = new int[peers];
        this.next = new int[peers];
        this.begun = new boolean[peers];
        this.failedIds = new MessageId[peers];
        this.failures = new SendResult[peers];
        this.sharedTags = new int[peers][capacity];
        for (final int[] row : sharedTags)
        {
            Arrays.fill(row, -1);
        }
    }

    /**
     * Queues a message to a peer, behind what it has queued; nothing is sent until {@link #progress()}.
     *
     * @param peer       the peer.
     * @param outlet     its outlet: the same for all of a peer's queued messages.
     * @param id         the message identity.
     * @param source     its {@code id.byteLength()} bytes from offset 0; read until the message is done.
     * @param deadlineNs {@code clock} time after which the message fails.
     * @throws IllegalStateException when the peer's queue is full or holds messages for another outlet.
     */
    public void add(final int peer, final Outlet outlet, final MessageId id, final DirectBuffer source,
        final long deadlineNs)
    {
        add(peer, outlet, id, source, id.byteLength(), deadlineNs);
    }

    /**
     * Queues a message of {@code length} bytes, as {@link #add(int, Outlet, MessageId, DirectBuffer, long)}: for a
     * variable-length encoding ({@link io.descent.transport.codec.Compression#isVariableLength()}), whose length its id
     * does not tell.
     *
     * @param length the message's bytes, from offset 0 of {@code source}.
     */
    public void add(final int peer, final Outlet outlet, final MessageId id, final DirectBuffer source,
        final int length, final long deadlineNs)
    {
        if (queued[peer] == 0)
        {
            outlets[peer] = outlet;
            next[peer] = 0;
            busyPeers++;
        }
        else if (queued[peer] == ids[peer].length && outlets[peer] == outlet)
        {
            compact(peer);
        }
        if (outlets[peer] != outlet || queued[peer] == ids[peer].length)
        {
            throw new IllegalStateException("cannot queue " + id + " to peer " + peer + ": " +
                (outlets[peer] != outlet ? "it has messages queued on another outlet" : "its queue is full"));
        }
        ids[peer][queued[peer]] = id;
        sources[peer][queued[peer]] = source;
        lengths[peer][queued[peer]] = length;
        deadlines[peer][queued[peer]] = deadlineNs;
        sharedTags[peer][queued[peer]] = shareWithOthers(peer, id, source, length);
        queued[peer]++;
    }

    /** Moves a peer's messages not done yet to the front of its queue, making room behind them for more. */
    private void compact(final int peer)
    {
        final int done = next[peer];
        if (done == 0)
        {
            return;
        }
        final int left = queued[peer] - done;
        for (int i = 0; i < queued[peer]; i++)
        {
            if (i < done && sharedTags[peer][i] >= 0)
            {
                tagUsers[sharedTags[peer][i]]--;
            }
            final int from = i + done;
            final boolean keep = i < left;
            ids[peer][i] = keep ? ids[peer][from] : null;
            sources[peer][i] = keep ? sources[peer][from] : null;
            lengths[peer][i] = keep ? lengths[peer][from] : 0;
            deadlines[peer][i] = keep ? deadlines[peer][from] : 0;
            sharedTags[peer][i] = keep ? sharedTags[peer][from] : -1;
        }
        queued[peer] = left;
        next[peer] = 0;
    }

    /**
     * @return the tags of the same message queued to another peer and not begun there yet, shared from now on (the
     * index in {@link #tagPool}), or -1 when no other peer has it queued so.
     */
    private int shareWithOthers(final int peer, final MessageId id, final DirectBuffer source, final int length)
    {
        for (int other = 0; other < outlets.length; other++)
        {
            for (int i = next[other]; other != peer && i < queued[other]; i++)
            {
                final boolean begunThere = i == next[other] && begun[other];
                if (sources[other][i] == source && lengths[other][i] == length && ids[other][i].equals(id) &&
                    !begunThere)
                {
                    if (sharedTags[other][i] < 0)
                    {
                        sharedTags[other][i] = leaseTags();
                    }
                    tagUsers[sharedTags[other][i]]++;
                    return sharedTags[other][i];
                }
            }
        }
        return -1;
    }

    /** @return a free {@link #tagPool} entry, reset and used once; grows the pool when none is free. */
    private int leaseTags()
    {
        int free = 0;
        while (free < tagPool.length && tagUsers[free] > 0)
        {
            free++;
        }
        if (free == tagPool.length)
        {
            tagPool = Arrays.copyOf(tagPool, free + 1);
            tagUsers = Arrays.copyOf(tagUsers, free + 1);
            tagPool[free] = new BroadcastTags();
        }
        tagPool[free].reset();
        tagUsers[free] = 1;
        return free;
    }

    /**
     * Says that {@code source} is being written while it is sent (e.g. encoded piece by piece): from now on each
     * message queued with it as its source sends only what lies within its first {@code bytes} bytes
     * ({@link Outlet#ready}), until a later call says more; {@code Integer.MAX_VALUE} when it is all written. One such
     * source at a time: a call for another source ends the last one's (its messages must be done by then).
     *
     * @param source the buffer being written.
     * @param bytes  how many of its bytes, from offset 0, are written.
     */
    public void writing(final DirectBuffer source, final int bytes)
    {
        writing = source;
        written = bytes;
    }

    /**
     * One round: each busy peer's outlet takes as much as it can now, moving on to the peer's next message when one
     * completes.
     *
     * @return the peers that made progress (0: everyone is back-pressured, or nothing is queued).
     */
    public int progress()
    {
        if (busyPeers == 0)
        {
            return 0;
        }
        int work = 0;
        for (int peer = 0; peer < outlets.length; peer++)
        {
            if (queued[peer] > 0 && progress(peer))
            {
                work++;
            }
        }
        return work;
    }

    /** @return true when the peer's outlet took something. */
    private boolean progress(final int peer)
    {
        final Outlet outlet = outlets[peer];
        final long before = outlet.bytesSent();
        while (true)
        {
            final int at = next[peer];
            if (!begun[peer])
            {
                final int tags = sharedTags[peer][at];
                outlet.begin(ids[peer][at], sources[peer][at], lengths[peer][at], deadlines[peer][at],
                    tags < 0 ? null : tagPool[tags]);
                begun[peer] = true;
            }
            if (null != writing && sources[peer][at] == writing)
            {
                outlet.ready(Math.min(written, lengths[peer][at]));
            }
            final SendResult result = outlet.progress();
            if (result == SendResult.PENDING)
            {
                return outlet.bytesSent() != before;
            }
            begun[peer] = false;
            if (result != SendResult.SENT)
            {
                fail(peer, ids[peer][at], result);
                return true;
            }
            bytesSent += lengths[peer][at];
            next[peer] = at + 1;
            if (next[peer] == queued[peer])
            {
                clear(peer);
                return true;
            }
        }
    }

    /**
     * Runs {@link #progress()} rounds until every queue is done, or until no peer made progress for {@code stallNs}
     * (what is left then waits for later {@link #progress()} calls, e.g. from an idle loop). Idles between rounds
     * that made no progress.
     *
     * @param stallNs how long every busy peer may be back-pressured before this returns.
     * @return the peers still busy.
     */
    public int flush(final long stallNs)
    {
        idle.reset();
        long progressedNs = clock.nanoTime();
        while (busyPeers > 0)
        {
            final int work = progress();
            if (work > 0)
            {
                progressedNs = clock.nanoTime();
            }
            else if (clock.nanoTime() - progressedNs >= stallNs)
            {
                break;
            }
            idle.idle(work);
        }
        return busyPeers;
    }

    /** @return true while the peer has messages not yet sent. */
    public boolean isBusy(final int peer)
    {
        return queued[peer] > 0;
    }

    /** @return peers with messages not yet sent. */
    public int busyPeers()
    {
        return busyPeers;
    }

    /**
     * Gives up a peer's queue (it was dropped): the message in flight stays incomplete, the rest is not sent, and no
     * failure is recorded.
     *
     * @return true when the peer was busy.
     */
    public boolean abandon(final int peer)
    {
        if (queued[peer] == 0)
        {
            return false;
        }
        if (begun[peer])
        {
            outlets[peer].abandon();
            begun[peer] = false;
        }
        clear(peer);
        return true;
    }

    /**
     * Ends every busy peer's queue as a failure, e.g. before the caller changes a source that is still being sent.
     *
     * @param why the failure to record, e.g. {@link SendResult#ABANDONED}.
     * @return the peers that were busy.
     */
    public int failBusy(final SendResult why)
    {
        int ended = 0;
        for (int peer = 0; peer < outlets.length; peer++)
        {
            if (queued[peer] > 0)
            {
                final MessageId id = ids[peer][next[peer]];
                if (begun[peer])
                {
                    outlets[peer].abandon();
                    begun[peer] = false;
                }
                fail(peer, id, why);
                ended++;
            }
        }
        return ended;
    }

    /**
     * Tells {@code failures} of each failure since the last call, in peer order, and forgets them.
     *
     * @return how many there were.
     */
    public int collectFailures(final Failures listener)
    {
        if (failedPeers == 0)
        {
            return 0;
        }
        int told = 0;
        for (int peer = 0; peer < failures.length; peer++)
        {
            final SendResult why = failures[peer];
            if (null != why)
            {
                final MessageId id = failedIds[peer];
                failures[peer] = null;
                failedIds[peer] = null;
                failedPeers--;
                told++;
                listener.onFailed(peer, id, why);
            }
        }
        return told;
    }

    /** @return peers with a failure not yet {@link #collectFailures collected}. */
    public int failedPeers()
    {
        return failedPeers;
    }

    /** @return chunks of broadcasts whose MAC an outlet computed (once for all the peers), so far. */
    public long broadcastTagsComputed()
    {
        long computed = 0;
        for (final BroadcastTags tags : tagPool)
        {
            computed += tags.computed();
        }
        return computed;
    }

    /** @return chunks of broadcasts whose MAC an outlet took from another's instead of computing it, so far. */
    public long broadcastTagsReused()
    {
        long reused = 0;
        for (final BroadcastTags tags : tagPool)
        {
            reused += tags.reused();
        }
        return reused;
    }

    /** @return payload bytes of the messages sent completely so far. */
    public long bytesSent()
    {
        return bytesSent;
    }

    private void fail(final int peer, final MessageId id, final SendResult why)
    {
        if (null == failures[peer])
        {
            failedPeers++;
        }
        failures[peer] = why;
        failedIds[peer] = id;
        clear(peer);
    }

    private void clear(final int peer)
    {
        for (int i = 0; i < queued[peer]; i++)
        {
            ids[peer][i] = null;
            sources[peer][i] = null;
            if (sharedTags[peer][i] >= 0)
            {
                tagUsers[sharedTags[peer][i]]--;
                sharedTags[peer][i] = -1;
            }
        }
        queued[peer] = 0;
        next[peer] = 0;
        outlets[peer] = null;
        busyPeers--;
    }
}
