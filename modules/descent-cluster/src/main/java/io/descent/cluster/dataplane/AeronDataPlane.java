package io.descent.cluster.dataplane;

import io.descent.transport.Channels;
import io.descent.transport.Transport;
import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveListener;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.SlotCancel;
import io.descent.transport.send.BufferSender;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * The {@link DataPlane} over descent-transport: one receiver, and one exclusive publication per peer. The receiver is
 * polled either by the transport's agent thread (idle strategy from {@code descent.transport.receiver}), or
 * <em>inline</em>, by whoever calls {@link #await} (a worker's compute thread: weights land and the step starts on
 * the same thread, with no hand-off and no polling thread competing with the compute for a core). Destinations are written in place
 * (zero copy from the log buffer into an INDArray's memory); the transport verifies every chunk's CRC, or with a key
 * ({@link #authenticate}) its MAC, key id and session, and reports a message complete only when all chunks arrived.
 *
 * <p>Two media, chosen by the bind address: {@code host:port} receives over UDP (peers on other hosts; endpoint
 * {@code host:port}); {@link #IPC} receives over Aeron IPC on a stream of its own (peers on this host that share its
 * media driver, {@code descent.transport.driver.mode = external}; endpoint {@code ipc:<stream>}). IPC skips the
 * driver's network threads and the kernel: the sender writes into a shared log buffer the receiver reads.
 *
 * <p>Owns neither the {@link Transport} nor its media driver: close the plane, then the transport.
 */
public final class AeronDataPlane implements DataPlane
{
    private static final Logger LOG = LoggerFactory.getLogger(AeronDataPlane.class);
    private static final long BIND_WAIT_NS = 10_000_000_000L;
    private static final long CANCEL_WAIT_NS = 10_000_000_000L;

    /** The bind address that selects IPC through the shared media driver. */
    public static final String IPC = "ipc";

    private static final String IPC_PREFIX = "ipc:";

    private final Transport transport;
    private final int streamId;
    private final BufferReceiver receiver;
    private final AgentRunner agent;
    private final String endpoint;
    private boolean closed;
    /** How outlets opened from now on tag their chunks. */
    private volatile ChunkAuth auth = ChunkAuth.CRC_ONLY;
    private volatile DataKey key;
    /** The first exception an arrival callback threw: {@link #await} throws it from then on. */
    private volatile RuntimeException callbackFailure;

    /**
     * Binds the receiver and starts its agent thread.
     *
     * @param transport a started transport.
     * @param bind      {@code host:port} to receive on over UDP (port 0 picks a free port), or {@link #IPC}.
     * @param streamId  the job's stream id (UDP); IPC receivers take a random stream of their own, since every
     *                  process on the driver shares the IPC stream space (a collision would only cost scanning:
     *                  chunks are matched by job, kind, step and sender).
     * @throws IllegalStateException when the endpoint cannot be bound within 10 s.
     */
    public AeronDataPlane(final Transport transport, final String bind, final int streamId)
    {
        this(transport, bind, streamId, false);
    }

    /**
     * Binds the receiver and, unless {@code inline}, starts its agent thread.
     *
     * @param transport a started transport.
     * @param bind      {@code host:port} to receive on over UDP, or {@link #IPC}.
     * @param streamId  the job's stream id (UDP).
     * @param inline    true: no agent thread; the receiver is polled only inside {@link #await}, so arrivals are
     *                  delivered only while someone awaits (messages wait in Aeron's log buffer meanwhile).
     * @throws IllegalStateException when the endpoint cannot be bound within 10 s.
     */
    public AeronDataPlane(final Transport transport, final String bind, final int streamId, final boolean inline)
    {
        this.transport = transport;
        this.streamId = streamId;
        if (isIpc(bind))
        {
            final int ipcStream = java.util.concurrent.ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            this.receiver = transport.newReceiver(transport.channels().ipc(), ipcStream, new Listener());
            this.endpoint = IPC_PREFIX + ipcStream;
        }
        else
        {
            this.receiver = transport.newReceiver(transport.channels().udp(bind), streamId, new Listener());
            this.endpoint = awaitEndpoint(receiver, bind);
        }
        this.agent = inline ? null : transport.startAgent(receiver);
        LOG.info("data plane receiving on {}{}{}", endpoint, isIpc(bind) ? " (aeron ipc)" : " (udp stream " + streamId +
            ")", inline ? ", polled inline" : "");
    }

    /** @return true when {@code bind} selects IPC ({@link #IPC}). */
    public static boolean isIpc(final String bind)
    {
        return IPC.equals(bind.trim());
    }

    private static String awaitEndpoint(final BufferReceiver receiver, final String bind)
    {
        final long deadline = System.nanoTime() + BIND_WAIT_NS;
        while (true)
        {
            final String resolved = receiver.resolvedChannel();
            if (null != resolved)
            {
                return Channels.endpointOf(resolved);
            }
            if (System.nanoTime() - deadline > 0)
            {
                receiver.close();
                throw new IllegalStateException("data plane could not bind udp " + bind + " within 10 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public String endpoint()
    {
        return endpoint;
    }

    /**
     * {@inheritDoc} A {@code host:port} needs a port in 1..65535 and a host that resolves; an {@code ipc:<stream>}
     * endpoint an integer stream and a plane that receives over IPC itself (so the peer shares its media driver).
     */
    @Override
    public String validate(final String peer)
    {
        return PeerEndpoints.problem(peer, endpoint.startsWith(IPC_PREFIX));
    }

    @Override
    public Outlet outlet(final String peer)
    {
        return outlet(peer, 0);
    }

    @Override
    public Outlet outlet(final String peer, final int sessionId)
    {
        final boolean ipc = peer.startsWith(IPC_PREFIX);
        final String channel = ipc ? transport.channels().ipc() : transport.channels().udp(peer);
        final BufferSender sender = transport.newSender(
            0 == sessionId ? channel : Channels.withSession(channel, sessionId),
            ipc ? Integer.parseInt(peer.substring(IPC_PREFIX.length())) : streamId);
        sender.authenticate(auth, key);
        return new SenderOutlet(sender);
    }

    @Override
    public void authenticate(final ChunkAuth newAuth, final DataKey newKey)
    {
        key = newKey;
        auth = newAuth;
        receiver.authenticate(newAuth, newKey);
    }

    @Override
    public ChunkAuth auth()
    {
        return auth;
    }

    @Override
    public void bindSender(final int sender, final int sessionId)
    {
        receiver.bindSession(sender, sessionId);
    }

    @Override
    public void expect(
        final MessageId id, final MutableDirectBuffer destination, final long deadlineNs, final Arrival arrival)
    {
        final ReceiveSlot slot = (id.compression().isVariableLength() ?
            new ReceiveSlot().expectUpTo(id, destination, 0, destination.capacity(), deadlineNs) :
            new ReceiveSlot().expect(id, destination, 0, id.byteLength(), deadlineNs)).attach(arrival);
        if (!receiver.register(slot))
        {
            throw new IllegalStateException("data plane has too many expected messages waiting to be registered (" +
                "descent.transport.receiver.max-slots); cannot expect " + id);
        }
    }

    /**
     * {@inheritDoc} Carried out on the thread that polls the receiver, between two chunks: at once when that is the
     * caller (inline, under the poll's lock, or on the agent thread itself), else handed to the agent thread and
     * waited for.
     *
     * @throws IllegalStateException when the agent thread does not carry it out within 10 s.
     */
    @Override
    public int cancelFrom(final int sender)
    {
        final Predicate<MessageId> which = id -> id.senderId() == sender;
        if (null == agent)
        {
            synchronized (this)
            {
                return closed ? 0 : receiver.cancelNow(which);
            }
        }
        if (Thread.currentThread() == agent.thread())
        {
            return receiver.cancelNow(which);
        }
        final SlotCancel request = new SlotCancel(which);
        final IdleStrategy idle = transport.settings().receiver().idle().newStrategy();
        final long deadline = System.nanoTime() + CANCEL_WAIT_NS;
        boolean offered = false;
        while (!request.isDone())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the data plane's receiver thread did not cancel the expected " +
                    "messages from sender " + sender + " within 10 s");
            }
            if (!offered)
            {
                offered = receiver.cancel(request);
            }
            idle.idle(0);
        }
        return request.cancelled();
    }

    @Override
    public boolean await(final BooleanSupplier done, final IntSupplier work, final long deadlineNs)
    {
        final IdleStrategy idle = transport.settings().receiver().idle().newStrategy();
        while (true)
        {
            final RuntimeException failed = callbackFailure;
            if (null != failed)
            {
                throw failed;
            }
            if (done.getAsBoolean())
            {
                return true;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            idle.idle((null == agent ? pollInline() : 0) + work.getAsInt());
        }
    }

    /** One duty cycle of an inline receiver; serialised with {@link #close()}, which frees the receiver's images. */
    private synchronized int pollInline()
    {
        return closed ? 0 : receiver.doWork();
    }

    /** @return the receiver, for its counters. */
    public BufferReceiver receiver()
    {
        return receiver;
    }

    @Override
    public TransportStats stats()
    {
        return TransportStats.of(receiver.counters());
    }

    @Override
    public long staleMessages(final MessageKind kind)
    {
        return receiver.staleMessages().get(kind);
    }

    @Override
    public void close()
    {
        if (null != agent)
        {
            agent.close();
            return;
        }
        synchronized (this)
        {
            if (!closed)
            {
                closed = true;
                receiver.close();
            }
        }
    }

    /**
     * Tells each arrival. An arrival that throws would otherwise be caught and only logged by Aeron (it runs inside an
     * image poll), and the message would be lost without a trace: the failure is kept, logged, and thrown by every
     * {@link #await} from then on, so the node's compute thread fails instead of waiting forever.
     */
    private final class Listener implements ReceiveListener
    {
        @Override
        public void onComplete(final ReceiveSlot slot)
        {
            tell(slot, true);
        }

        @Override
        public void onIncomplete(final ReceiveSlot slot)
        {
            LOG.debug("data plane: incomplete {}", slot.describeMissing());
            tell(slot, false);
        }

        private void tell(final ReceiveSlot slot, final boolean complete)
        {
            try
            {
                ((Arrival)slot.attachment()).onArrival(slot.id(), complete, complete ? slot.messageLength() : -1);
            }
            catch (final RuntimeException | Error ex)
            {
                final IllegalStateException failure = new IllegalStateException("the data-plane callback for " +
                    slot.id() + (complete ? " (complete)" : " (incomplete)") + " threw: " + ex, ex);
                LOG.error("{} on {}", failure.getMessage(), Thread.currentThread().getName(), ex);
                if (null == callbackFailure)
                {
                    callbackFailure = failure;
                }
            }
        }
    }
}
