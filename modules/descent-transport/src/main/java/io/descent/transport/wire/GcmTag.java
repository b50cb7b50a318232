package io.descent.transport.wire;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;

/**
 * The AES-256-GCM tag of one chunk ({@link ChunkAuth#AES_GMAC}): nonce = (session id, sequence), associated data =
 * the session id and header, plaintext = the payload, whose ciphertext is thrown away. The payload is fed to the
 * cipher from heap arrays only: bytes that live off-heap (term buffers, ND4J memory) are first copied, 64 KiB at a
 * time, into a reused array. The JDK 17 cipher handles a direct {@link ByteBuffer} in small pieces through temporary
 * arrays, which measured slower than this copy plus one call on the array (see {@code bench transport},
 * {@code gmac-only}). One {@link Cipher} per instance; {@code Cipher.init} per chunk (a nonce per chunk; the JDK
 * allocates its GCM state there). Not thread-safe: one per thread.
 */
final class GcmTag implements BufferView.Digest
{
    private static final String GCM = "AES/GCM/NoPadding";
    private static final int TAG_BITS = ChunkHeader.TAG_LENGTH * 8;
    /** Bytes handed to the cipher per call: fits L2 with the ciphertext next to it. */
    static final int SLICE = 64 * 1024;

    private final Cipher gcm;
    private final SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private final byte[] otherNonce = new byte[12];
    private final byte[] stage = new byte[SLICE];
    private final byte[] ciphertext = new byte[SLICE + 64];
    private final byte[] tail = new byte[64];

    /** @param key the 32 key bytes; copied by the JDK, the caller may clear them. */
    GcmTag(final byte[] key)
    {
        try
        {
            this.gcm = Cipher.getInstance(GCM);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("creating " + GCM + " for the data plane (every Java 17 runtime has it)",
                ex);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * Starts one chunk's tag.
     *
     * @param session  the Aeron session id as 4 little-endian bytes: the first 4 nonce bytes and the first
     *                 associated data.
     * @param sequence the sender's chunk sequence: the last 8 nonce bytes (little-endian).
     * @param header   the header bytes before the tag field: the rest of the associated data.
     * @param verify   true on a receiver (which may meet a nonce twice in a row, see {@link #init}).
     */
    void begin(final byte[] session, final long sequence, final byte[] header, final boolean verify)
    {
        System.arraycopy(session, 0, nonce, 0, Integer.BYTES);
        for (int i = 0; i < Long.BYTES; i++)
        {
            nonce[Integer.BYTES + i] = (byte)(sequence >>> (8 * i));
        }
        init(verify, sequence);
        gcm.updateAAD(session, 0, session.length);
        gcm.updateAAD(header, 0, header.length);
    }

    /**
     * Inits the cipher for one chunk. The JDK refuses to encrypt twice in a row under one nonce; a receiver may have
     * to (a forged chunk that copied a real one's header came first, and the real one follows): it is only computing
     * a tag, the ciphertext is never released, so it passes through another nonce first.
     */
    private void init(final boolean verify, final long sequence)
    {
        try
        {
            try
            {
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            }
            catch (final InvalidAlgorithmParameterException reused)
            {
                if (!verify)
                {
                    throw reused;
                }
                System.arraycopy(nonce, 0, otherNonce, 0, nonce.length);
                otherNonce[0] ^= 1;
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, otherNonce));
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("initialising AES-GCM for a chunk of sequence " + sequence, ex);
        }
    }

    @Override
    public void update(final byte[] array, final int offset, final int length)
    {
        try
        {
            for (int done = 0; done < length; done += SLICE)
            {
                gcm.update(array, offset + done, Math.min(SLICE, length - done), ciphertext, 0);
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("computing an AES-GCM tag", ex);
        }
    }

    @Override
    public void update(final ByteBuffer bytes)
    {
        while (bytes.hasRemaining())
        {
            final int n = Math.min(SLICE, bytes.remaining());
            bytes.get(stage, 0, n);
            update(stage, 0, n);
        }
    }

    /** Finishes the tag and writes its {@link ChunkHeader#TAG_LENGTH} bytes into {@code tag}. */
    void finish(final byte[] tag)
    {
        try
        {
            final int n = gcm.doFinal(tail, 0);
            System.arraycopy(tail, n - ChunkHeader.TAG_LENGTH, tag, 0, ChunkHeader.TAG_LENGTH);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("finishing an AES-GCM tag", ex);
        }
    }
}
