package io.descent.transport.receive;

import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.ChunkMac;
import io.descent.transport.wire.DataKey;
import org.agrona.collections.Int2IntHashMap;

/**
 * What an authenticating receiver accepts chunks from: the algorithm and key of the job (chunks under another key
 * are replays), and which Aeron session each sender's chunks must come on. Without a key ({@link ChunkAuth#CRC_ONLY})
 * every origin passes and chunks are checked by CRC only.
 *
 * <p>Threads: {@link #use}, {@link #bind} and {@link #unbind} from any thread (rare: at registration, at a new
 * incarnation); they publish immutable state through volatile fields. {@link #reject} and {@link #mac()} on the
 * receiver thread only, allocating nothing unless the key changed since the last chunk.
 */
final class ChunkOrigin
{
    /** A sender bound to no session. */
    static final int NO_SESSION = Integer.MIN_VALUE;

    private record Keying(ChunkAuth auth, DataKey key)
    {
    }

    private volatile Keying keying = new Keying(ChunkAuth.CRC_ONLY, null);
    private volatile Int2IntHashMap sessions = new Int2IntHashMap(NO_SESSION);
    private Keying macKeying;
    private ChunkMac mac;

    /** Authenticates chunks under {@code key} with {@code auth} from the next chunk on (CRC_ONLY: no key). */
    void use(final ChunkAuth auth, final DataKey key)
    {
        if (auth.authenticates() && null == key)
        {
            throw new IllegalArgumentException(auth.label() + " needs a key");
        }
        keying = new Keying(auth, auth.authenticates() ? key : null);
    }

    /** @return the algorithm in use. Any thread. */
    ChunkAuth auth()
    {
        return keying.auth();
    }

    /** Accepts {@code sender}'s chunks only from {@code sessionId} from now on. */
    synchronized void bind(final int sender, final int sessionId)
    {
        final Int2IntHashMap next = new Int2IntHashMap(NO_SESSION);
        next.putAll(sessions);
        next.put(sender, sessionId);
        sessions = next;
    }

    /** Accepts no chunk of {@code sender} from now on (until it is bound again). */
    synchronized void unbind(final int sender)
    {
        final Int2IntHashMap next = new Int2IntHashMap(NO_SESSION);
        next.putAll(sessions);
        next.remove(sender);
        sessions = next;
    }

    /**
     * Checks a well-formed chunk's origin: its algorithm, its key id and its session. Receiver thread.
     *
     * @param header    the chunk's header.
     * @param sessionId the Aeron session it came on.
     * @return null when it may go on to its slot and tag check, else the counter to drop it under.
     */
    ReceiverCounter reject(final ChunkHeader header, final int sessionId)
    {
        final Keying current = keying;
        if (!current.auth().authenticates())
        {
            return header.authCode() == ChunkAuth.CRC_ONLY.code() ? null : ReceiverCounter.REJECTED_BAD_MAC;
        }
        if (header.authCode() != current.auth().code())
        {
            return ReceiverCounter.REJECTED_BAD_MAC;
        }
        if (header.keyId() != current.key().id())
        {
            return ReceiverCounter.REJECTED_REPLAY;
        }
        final int bound = sessions.get(header.senderId());
        if (bound == NO_SESSION || bound != sessionId)
        {
            return ReceiverCounter.REJECTED_UNKNOWN_SESSION;
        }
        return null;
    }

    /** @return the MAC to verify chunks with, or null for CRC only. Receiver thread. */
    ChunkMac mac()
    {
        final Keying current = keying;
        if (!current.auth().authenticates())
        {
            return null;
        }
        if (current != macKeying)
        {
            mac = new ChunkMac(current.auth(), current.key());
            macKeying = current;
        }
        return mac;
    }
}
