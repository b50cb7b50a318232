package io.descent.transport.wire;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;

/**
 * The AES-256-GCM tag of one chunk ({@link ChunkAuth#AES_GMAC}): nonce = (scope, sequence), associated data =
 * the scope and header (the scope is the session id, or 0 for a broadcast: {@link ChunkMac}), plaintext = the
 * payload, whose ciphertext is thrown away. The payload is fed to the
 * cipher from heap arrays only, in calls of {@link #SLICE} bytes: bytes that live off-heap (term buffers, ND4J
 * memory) and the pieces of a chunk spread over several frames (UDP) are first gathered into a small reused array.
 * The JDK cipher handles a direct {@link ByteBuffer} through temporary arrays, and newer JDKs' fused AES-GCM
 * intrinsic takes arrays only; per byte of CPU this measured +11..26% on JDK 17 and about twice as fast on JDK 25
 * than feeding the direct buffers of a 65,344-byte chunk. One {@link Cipher} per instance; {@code Cipher.init} per chunk (a nonce per chunk; the JDK
 * allocates its GCM state there). Not thread-safe: one per thread.
 */
final class GcmTag implements BufferView.Digest
{
    private static final String GCM = "AES/GCM/NoPadding";
    private static final int TAG_BITS = ChunkHeader.TAG_LENGTH * 8;
    /**
     * Bytes handed to the cipher per call: the staged bytes and their ciphertext stay in L1. Measured per byte of CPU
     * on this project's machine, tagging 65,344-byte chunks of a 23 MB buffer: 4 KiB was the fastest of 1, 2, 4, 8,
     * 16, 32 and 64 KiB on JDK 17 (+10% over 64 KiB; 2 KiB close) and JDK 25 (+7..15%).
     */
    static final int SLICE = 4 * 1024;

    private final Cipher gcm;
    private final SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private final byte[] otherNonce = new byte[12];
    private final byte[] stage = new byte[SLICE];
    private final byte[] ciphertext = new byte[SLICE + 64];
    private final byte[] tail = new byte[64];
    /** Payload bytes in {@link #stage} not yet given to the cipher. */
    private int staged;

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
     * @param session  the scope (Aeron session id, or 0 for a broadcast) as 4 little-endian bytes: the first 4
     *                 nonce bytes and the first
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
        staged = 0;
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

    /** Adds payload bytes: whole slices straight from the array when nothing is staged, the rest staged. */
    @Override
    public void update(final byte[] array, final int offset, final int length)
    {
        int at = offset;
        int left = length;
        if (0 == staged)
        {
            for (; left >= SLICE; at += SLICE, left -= SLICE)
            {
                encrypt(array, at, SLICE);
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
    public void update(final ByteBuffer bytes)
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
            encrypt(stage, 0, SLICE);
            staged = 0;
        }
    }

    private void encrypt(final byte[] array, final int offset, final int length)
    {
        try
        {
            gcm.update(array, offset, length, ciphertext, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("computing an AES-GCM tag", ex);
        }
    }

    /** Finishes the tag and writes its {@link ChunkHeader#TAG_LENGTH} bytes into {@code tag}. */
    void finish(final byte[] tag)
    {
        if (staged > 0)
        {
            encrypt(stage, 0, staged);
            staged = 0;
        }
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
