package io.descent.cluster.dataplane;

import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.MutableDirectBuffer;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Moves dense float buffers (gradients, weights) between the nodes of a job, next to Akka's control plane. A node
 * has one data plane: it receives on {@link #endpoint()}, sends through {@link Outlet}s, and is told when an
 * expected message has arrived completely (or missed its deadline). Messages nobody expects are dropped and counted
 * by the implementation ({@link #stats()}), never delivered half-written: an {@link Arrival} with
 * {@code complete == true} means every byte is in the destination and verified.
 *
 * <p>Implementations: {@link AeronDataPlane} (over descent-transport), and an in-memory one for tests in one JVM
 * (InMemoryDataPlane, in the test-jar of descent-cluster).
 * {@link #expect}, {@link #cancelFrom}, {@link #validate}, {@link #endpoint()}, {@link #stats()} and
 * {@link #staleMessages} are thread-safe; each outlet is used by one thread.
 */
public interface DataPlane extends AutoCloseable
{
    /** No work of the waiter's own: {@link #await(BooleanSupplier, IntSupplier, long)} only waits. */
    IntSupplier NO_WORK = () -> 0;

    /** @return the address peers give to {@link #outlet(String)} to reach this node. */
    String endpoint();

    /**
     * Checks a peer's endpoint before an outlet is opened to it, so a bad one can be refused to that peer rather than
     * fail {@link #outlet}. May resolve a host name (DNS).
     *
     * @param endpoint what the peer says its {@link #endpoint()} is.
     * @return null when this plane can open an outlet to it, else one line naming it, what is wrong and how to fix it.
     */
    String validate(String endpoint);

    /**
     * Opens a sender to a peer's {@link #endpoint()}.
     *
     * @param endpoint the peer's endpoint.
     * @return an outlet for one thread; close it when the peer is gone.
     */
    Outlet outlet(String endpoint);

    /**
     * Opens a sender to a peer that binds this node to a session it chose ({@link #bindSender}): the outlet's chunks
     * travel on {@code sessionId}.
     *
     * @param endpoint  the peer's endpoint.
     * @param sessionId the session id to send on; 0 lets the data plane choose.
     * @return an outlet for one thread.
     */
    default Outlet outlet(String endpoint, int sessionId)
    {
        return outlet(endpoint);
    }

    /**
     * Authenticates this node's data plane under a job's key from now on: outlets opened later tag their chunks with
     * {@code auth}, and the receiver accepts only chunks with a valid tag under {@code key}, from the sessions bound
     * to their senders ({@link #bindSender}). {@link ChunkAuth#CRC_ONLY} turns it off. Any thread; a new key (the
     * server's next incarnation) replaces the old one.
     *
     * @param auth the algorithm.
     * @param key  the job's key (ignored for CRC only).
     */
    default void authenticate(ChunkAuth auth, DataKey key)
    {
    }

    /** @return how this node's chunks are authenticated now ({@link ChunkAuth#label()} for reports and /health). */
    default ChunkAuth auth()
    {
        return ChunkAuth.CRC_ONLY;
    }

    /**
     * Accepts {@code sender}'s chunks (a worker's rank, or the server's sender id) only from {@code sessionId} from
     * now on, while authenticating. Any thread.
     */
    default void bindSender(int sender, int sessionId)
    {
    }

    /**
     * Expects one message. Call it before the message can be sent (messages that arrive first are dropped).
     *
     * @param id          the identity the message must carry (job, fingerprint, kind, step, sender, range, encoding).
     * @param destination where its {@code id.byteLength()} bytes go, from offset 0; for a variable-length encoding
     *                    ({@link io.descent.transport.codec.Compression#isVariableLength()}) any length up to its
     *                    capacity, told by {@link Arrival#onArrival(MessageId, boolean, int)}. Written only until the
     *                    arrival is reported, by a data-plane thread.
     * @param deadlineNs  {@code System.nanoTime()} after which the message is reported incomplete.
     * @param arrival     told once, on a data-plane thread (keep it short: tell an actor).
     * @throws IllegalStateException when the data plane cannot take another expectation right now.
     */
    void expect(MessageId id, MutableDirectBuffer destination, long deadlineNs, Arrival arrival);

    /**
     * Cancels every open expectation of a message from {@code sender} (e.g. a worker rank that was dropped), so its
     * destination can be given to someone else: once this returns, no byte of those messages is written into their
     * destinations, their {@link Arrival}s are not told, and their chunks that still come are dropped and counted as
     * late ({@link #stats()}, {@link #staleMessages}). Expectations made after it returns are not affected. May wait
     * briefly for a receiving thread to finish the chunk it is writing.
     *
     * @param sender the sender id (a worker's rank) whose expected messages to cancel.
     * @return how many expectations were cancelled.
     */
    int cancelFrom(int sender);

    /**
     * Waits on the calling thread until {@code done} is true (an {@link Arrival} made it so) or {@code deadlineNs}
     * passes, idling between checks. A plane without a thread of its own (see {@link AeronDataPlane}'s inline mode)
     * is polled here, so arrivals are delivered on the calling thread: the waiter starts work without a thread
     * hand-off. One thread at a time.
     *
     * @param done       true once what the caller waits for has arrived.
     * @param deadlineNs {@code System.nanoTime()} to give up at.
     * @return true when done, false at the deadline.
     * @throws IllegalStateException when an {@link Arrival} threw, now or earlier, on any thread (caused by what it
     *                               threw): the plane lost that message and cannot be trusted to go on.
     */
    default boolean await(BooleanSupplier done, long deadlineNs)
    {
        return await(done, NO_WORK, deadlineNs);
    }

    /**
     * {@link #await(BooleanSupplier, long)}, doing {@code work} on the calling thread between checks (e.g. sends
     * still in flight, {@link FanOutSender#progress()}): the waiter stays busy while it returns a count above 0 and
     * idles only when neither it nor the plane found anything to do.
     *
     * @param done       true once what the caller waits for has arrived.
     * @param work       one round of the caller's own work; returns how much it did (0: nothing to do now).
     * @param deadlineNs {@code System.nanoTime()} to give up at.
     * @return true when done, false at the deadline.
     * @throws IllegalStateException when an {@link Arrival} threw, now or earlier, on any thread.
     */
    boolean await(BooleanSupplier done, IntSupplier work, long deadlineNs);

    /** @return what this plane has dropped or missed on the receiving side so far (a snapshot; allocates). */
    TransportStats stats();

    /**
     * @param kind a message kind.
     * @return messages of that kind dropped because they came again after delivery or after this plane was done with
     * them (deadline passed, or a step it had moved past): the stale part of {@link #stats()}, by kind.
     */
    long staleMessages(MessageKind kind);

    /** Closes the receiver; expectations still open are reported incomplete. */
    @Override
    void close();

    /**
     * Told once per expectation, unless it is cancelled ({@link #cancelFrom}). It should not throw: if it does,
     * {@link #await} reports it.
     */
    @FunctionalInterface
    interface Arrival
    {
        /**
         * @param id       the expected identity.
         * @param complete true when every byte arrived verified; false when the deadline passed or the plane closed.
         */
        void onArrival(MessageId id, boolean complete);

        /**
         * What a plane calls: {@link #onArrival(MessageId, boolean)} plus the message's length, which a
         * variable-length encoding's receiver needs (override this to get it).
         *
         * @param bytes the message's length in bytes when complete (else -1 or what the plane knows).
         */
        default void onArrival(MessageId id, boolean complete, int bytes)
        {
            onArrival(id, complete);
        }
    }
}
