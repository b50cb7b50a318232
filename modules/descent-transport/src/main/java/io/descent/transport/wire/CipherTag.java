package io.descent.transport.wire;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

/**
 * A chunk's tag from a JDK AEAD cipher under a per-chunk nonce: nonce = (scope, sequence), associated data = the
 * scope and header (the scope is the session id, or 0 for a broadcast: {@link ChunkMac}), then the payload as each
 * algorithm takes it ({@link #absorb}). The payload is fed to the cipher from heap arrays only, in calls of
 * {@link #SLICE} bytes: bytes that live off-heap (term buffers, ND4J memory) and the pieces of a chunk spread over
 * several frames (UDP) are first gathered into a small reused array. The JDK ciphers handle a direct
 * {@link ByteBuffer} through temporary arrays (Poly1305 byte by byte: 0.6 GB/s against 7–9 GB/s staged, JDK 25), and
 * the JDK's intrinsics take arrays only. One {@link Cipher} per instance; {@code Cipher.init} per chunk (a nonce per
 * chunk). Not thread-safe: one per thread.
 */
abstract class CipherTag implements BufferView.Digest
{
    /**
     * Bytes handed to the cipher per call: the staged bytes (and GCM's ciphertext) stay in L1. Measured per byte of CPU
     * on this project's machine, tagging 65,344-byte chunks of a 23 MB buffer staged from a direct buffer: for AES-GCM
     * 4 KiB was the fastest of 1, 2, 4, 8, 16, 32 and 64 KiB on JDK 17 (+10% over 64 KiB; 2 KiB close) and JDK 25
     * (+7..15%); for ChaCha20-Poly1305 4 KiB gave 7.3–9.1 GB/s, 16 and 64 KiB 7.2–7.5 (JDK 25).
     */
    static final int SLICE = 4 * 1024;
    /** Padding between the header and the payload ({@link #payloadAlignment()}). */
    private static final byte[] ZEROS = new byte[16];

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final String algorithm;
    private final byte[] nonce = new byte[12];
    private final byte[] otherNonce = new byte[12];
    private final byte[] stage = new byte[SLICE];
    /** Payload bytes in {@link #stage} not yet given to the cipher. */
    private int staged;

    /**
     * @param algorithm the JDK transformation.
     * @param keyType   the {@link SecretKeySpec} algorithm.
     * @param key       the 32 key bytes; copied by the JDK, the caller may clear them.
     */
    CipherTag(final String algorithm, final String keyType, final byte[] key)
    {
        try
        {
            this.cipher = Cipher.getInstance(algorithm);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("creating " + algorithm + " for the data plane (every Java 17 runtime " +
                "has it)", ex);
        }
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(key, keyType);
    }

    /** @return the cipher's parameters for one chunk's nonce. */
    abstract AlgorithmParameterSpec parameters(byte[] nonce);

    /** Gives the cipher {@code length} payload bytes of a heap array. */
    abstract void absorb(Cipher cipher, byte[] array, int offset, int length) throws GeneralSecurityException;

    /** Ends the chunk and writes its {@link ChunkHeader#TAG_LENGTH}-byte tag into {@code tag}. */
    abstract void seal(Cipher cipher, byte[] tag) throws GeneralSecurityException;

    /**
     * Starts one chunk's tag.
     *
     * @param session  the scope (Aeron session id, or 0 for a broadcast) as 4 little-endian bytes: the first 4
     *                 nonce bytes and the first associated data.
     * @param sequence the sender's chunk sequence: the last 8 nonce bytes (little-endian).
     * @param header   the header bytes before the tag field: the rest of the associated data.
     * @param verify   true on a receiver (which may meet a nonce twice in a row, see {@link #init}).
     */
    final void begin(final byte[] session, final long sequence, final byte[] header, final boolean verify)
    {
        System.arraycopy(session, 0, nonce, 0, Integer.BYTES);
        for (int i = 0; i < Long.BYTES; i++)
        {
            nonce[Integer.BYTES + i] = (byte)(sequence >>> (8 * i));
        }
        init(verify, sequence);
        staged = 0;
        cipher.updateAAD(session, 0, session.length);
        cipher.updateAAD(header, 0, header.length);
        final int pad = -(session.length + header.length) & (payloadAlignment() - 1);
        if (pad > 0)
        {
            cipher.updateAAD(ZEROS, 0, pad);
        }
    }

    /**
     * @return the boundary (a power of two) the payload starts on within the associated data: zeros pad the scope
     * and header up to it. 1 (none) unless the payload is associated data itself.
     */
    int payloadAlignment()
    {
        return 1;
    }

    /**
     * Inits the cipher for one chunk. The JDK refuses to encrypt twice in a row under one key and nonce; a receiver may
     * have to (a forged chunk that copied a real one's header came first, and the real one follows): it is only
     * computing a tag, no ciphertext is ever released, so it passes through another nonce first.
     */
    private void init(final boolean verify, final long sequence)
    {
        try
        {
            try
            {
                cipher.init(Cipher.ENCRYPT_MODE, key, parameters(nonce));
            }
            catch (final GeneralSecurityException reused)
            {
                if (!verify)
                {
                    throw reused;
                }
                System.arraycopy(nonce, 0, otherNonce, 0, nonce.length);
                otherNonce[0] ^= 1;
                cipher.init(Cipher.ENCRYPT_MODE, key, parameters(otherNonce));
                cipher.init(Cipher.ENCRYPT_MODE, key, parameters(nonce));
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("initialising " + algorithm + " for a chunk of sequence " + sequence, ex);
        }
    }

    /** Adds payload bytes: whole slices straight from the array when nothing is staged, the rest staged. */
    @Override
    public final void update(final byte[] array, final int offset, final int length)
    {
        int at = offset;
        int left = length;
        if (0 == staged)
        {
            for (; left >= SLICE; at += SLICE, left -= SLICE)
            {
                give(array, at, SLICE);
            }
        }
        while (left > 0)
        {
            final int n = Math.min(SLICE - staged, left);
            System.arraycopy(array, at, stage, staged, n);
            staged += n;
            at += n;
            left -= n;
            flushIfFull();
        }
    }

    /** Adds payload bytes of a direct buffer, through the stage. */
    @Override
    public final void update(final ByteBuffer bytes)
    {
        while (bytes.hasRemaining())
        {
            final int n = Math.min(SLICE - staged, bytes.remaining());
            bytes.get(stage, staged, n);
            staged += n;
            flushIfFull();
        }
    }

    private void flushIfFull()
    {
        if (staged == SLICE)
        {
            give(stage, 0, SLICE);
            staged = 0;
        }
    }

    private void give(final byte[] array, final int offset, final int length)
    {
        try
        {
            absorb(cipher, array, offset, length);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("computing a " + algorithm + " tag", ex);
        }
    }

    /** Finishes the tag and writes its {@link ChunkHeader#TAG_LENGTH} bytes into {@code tag}. */
    final void finish(final byte[] tag)
    {
        if (staged > 0)
        {
            give(stage, 0, staged);
            staged = 0;
        }
        try
        {
            seal(cipher, tag);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("finishing a " + algorithm + " tag", ex);
        }
    }
}
