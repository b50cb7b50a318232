package io.descent.transport.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Computes and checks the 16-byte tag of a chunk under one {@link DataKey}: its scope (4 bytes, little-endian: the
 * Aeron session id the chunk travels on, or {@link #BROADCAST_SCOPE} for a chunk flagged
 * {@link ChunkHeader#FLAG_BROADCAST}), then the header before its tag field, then the payload, fed piece by piece (a
 * chunk may span several frames). A broadcast chunk (the weights, the same bytes to every worker) is thus tagged once
 * for all its receivers; what binds it is the sender id, kind, version and range in the header, and the receiver
 * still takes it only from the session bound to that sender: replayed to another receiver of the same broadcast it
 * delivers the bytes the sender sends that receiver anyway, and the flag, being covered, cannot be set or cleared. {@link ChunkAuth#HMAC_SHA256} is HMAC-SHA256 truncated to 128 bits.
 * {@link ChunkAuth#AES_GMAC} is the tag of AES-256-GCM under the nonce (scope, sequence) with the scope
 * and header as associated data and the payload as plaintext, whose ciphertext is thrown away ({@link GcmTag}):
 * GCM's authenticity covers the ciphertext, which for one nonce is a bijection of the payload, so the tag
 * authenticates the payload as GCM would. That takes the JDK's AES-NI/VAES counter-mode and carry-less-multiply GHASH
 * intrinsics; associated data alone (strict GMAC) is buffered and hashed on a slower path.
 * {@link ChunkAuth#CHACHA20_POLY1305} is the tag of ChaCha20-Poly1305 under the same nonce with everything (scope,
 * header, payload) as associated data and no plaintext ({@link PolyTag}): Poly1305 alone touches the payload.
 * The receiver recomputes the tag the same way (encrypting); no ciphertext leaves this object.
 * One {@link Mac} or {@link Cipher} per instance, initialised with the key once; HMAC is fed from direct buffers
 * without copying (see {@link BufferView}), the AEADs from heap arrays ({@link CipherTag}), allocating their per-nonce
 * state per chunk (the JDK's {@code Cipher.init}). Not thread-safe: one per thread.
 */
public final class ChunkMac
{
    /** The scope a broadcast chunk's tag covers instead of a session id. */
    public static final int BROADCAST_SCOPE = 0;

    private static final String HMAC = "HmacSHA256";

    private final ChunkAuth auth;
    private final DataKey key;
    private final Mac hmac;
    private final HmacFeed hmacFeed;
    /** The AEAD that tags the chunk, or null for HMAC. */
    private final CipherTag aead;
    private final BufferView views = new BufferView();
    private final byte[] session = new byte[Integer.BYTES];
    private final byte[] tag = new byte[32];
    private final byte[] received = new byte[ChunkHeader.TAG_LENGTH];
    private final byte[] headerCopy = new byte[ChunkHeader.CHECKSUMMED_LENGTH];

    /**
     * @param auth a MAC ({@link ChunkAuth#authenticates()}).
     * @param key  the key to tag under.
     * @throws IllegalArgumentException for {@link ChunkAuth#CRC_ONLY}.
     */
    public ChunkMac(final ChunkAuth auth, final DataKey key)
    {
        if (!auth.authenticates())
        {
            throw new IllegalArgumentException(auth.label() + " is not a MAC");
        }
        this.auth = auth;
        this.key = key;
        final byte[] bytes = key.bytes();
        try
        {
            if (auth == ChunkAuth.HMAC_SHA256)
            {
                hmac = Mac.getInstance(HMAC);
                hmac.init(new SecretKeySpec(bytes, HMAC));
                hmacFeed = new HmacFeed(hmac);
                aead = null;
            }
            else
            {
                hmac = null;
                hmacFeed = null;
                aead = auth == ChunkAuth.AES_GMAC ? new GcmTag(bytes) : new PolyTag(bytes);
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("creating " + auth.label() + " for the data plane (every Java 17 runtime " +
                "has it)", ex);
        }
        finally
        {
            java.util.Arrays.fill(bytes, (byte)0);
        }
    }

    /** @return the algorithm. */
    public ChunkAuth auth()
    {
        return auth;
    }

    /** @return the key tags are computed under. */
    public DataKey key()
    {
        return key;
    }

    /**
     * Starts the tag of one chunk and feeds its scope and header (the bytes before the tag field).
     *
     * @param sessionId the Aeron session the chunk travels on: the scope, unless the header is flagged broadcast
     *                  (then {@link #BROADCAST_SCOPE}).
     * @param header    a written header (its sequence and flags set).
     * @param verify    true to check a received tag ({@link #verify}), false to make one ({@link #sign}).
     * @return this.
     */
    public ChunkMac begin(final int sessionId, final ChunkHeader header, final boolean verify)
    {
        putInt(session, 0, header.isBroadcast() ? BROADCAST_SCOPE : sessionId);
        header.buffer().getBytes(header.offset(), headerCopy, 0, ChunkHeader.CHECKSUMMED_LENGTH);
        if (null != hmac)
        {
            hmac.reset();
            hmac.update(session, 0, session.length);
            hmac.update(headerCopy, 0, headerCopy.length);
        }
        else
        {
            aead.begin(session, header.sequence(), headerCopy, verify);
        }
        return this;
    }

    /** Feeds {@code length} bytes of {@code buffer} from {@code index} (the payload, in order). @return this. */
    public ChunkMac update(final DirectBuffer buffer, final int index, final int length)
    {
        views.feed(buffer, index, length, null != hmac ? hmacFeed : aead);
        return this;
    }

    /** Finishes a tag started with {@code verify = false} and writes it into the header's tag field. */
    public void sign(final MutableDirectBuffer header, final int headerOffset)
    {
        finish();
        header.putBytes(headerOffset + ChunkHeader.TAG_OFFSET, tag, 0, ChunkHeader.TAG_LENGTH);
    }

    /**
     * Finishes a tag started with {@code verify = true} and compares it, in constant time, with the header's.
     *
     * @return true when the chunk is authentic.
     */
    public boolean verify(final DirectBuffer header, final int headerOffset)
    {
        header.getBytes(headerOffset + ChunkHeader.TAG_OFFSET, received, 0, ChunkHeader.TAG_LENGTH);
        finish();
        int diff = 0;
        for (int i = 0; i < ChunkHeader.TAG_LENGTH; i++)
        {
            diff |= tag[i] ^ received[i];
        }
        return diff == 0;
    }

    private void finish()
    {
        if (null == hmac)
        {
            aead.finish(tag);
            return;
        }
        try
        {
            hmac.doFinal(tag, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("finishing a " + auth.label() + " tag", ex);
        }
    }

    /** Feeds an HMAC from arrays or direct buffers (called by {@link BufferView}). */
    private record HmacFeed(Mac hmac) implements BufferView.Digest
    {
        @Override
        public void update(final byte[] array, final int offset, final int length)
        {
            hmac.update(array, offset, length);
        }

        @Override
        public void update(final ByteBuffer bytes)
        {
            hmac.update(bytes);
        }
    }

    private static void putInt(final byte[] into, final int at, final int value)
    {
        for (int i = 0; i < Integer.BYTES; i++)
        {
            into[at + i] = (byte)(value >>> (8 * i));
        }
    }
}
