package io.descent.transport.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The key that chunks of one job are authenticated under, and its id: every chunk carries the id
 * ({@link ChunkHeader#keyId()}), so a receiver tells a chunk under an earlier key (a replay from an earlier start of
 * the job) from a forgery. Derived with HKDF-SHA256 (RFC 5869) from a shared secret, a salt that is fresh per
 * start (the parameter server's incarnation nonce) and a context label ({@link #derive}). The secret never appears
 * in {@link #toString()}. Immutable and thread-safe.
 */
public final class DataKey
{
    /** Length of the derived key in bytes (AES-256, and HMAC-SHA256's block-friendly key size). */
    public static final int BYTES = 32;

    private static final String HMAC = "HmacSHA256";

    private final long id;
    private final byte[] secret;

    private DataKey(final long id, final byte[] secret)
    {
        this.id = id;
        this.secret = secret;
    }

    /**
     * Derives a job's data-plane key with HKDF-SHA256: PRK = HMAC(salt, ikm), OKM = HMAC(PRK, info || 0x01).
     *
     * @param ikm   the shared secret (the cluster key's bytes); read, not kept.
     * @param id    what the key is for (the parameter server's incarnation nonce): the salt, and the key id chunks
     *              carry; must differ for every start of the job.
     * @param label the context, e.g. {@code descent data-plane v2}: keys for other uses of the secret differ.
     * @return the key.
     */
    public static DataKey derive(final byte[] ikm, final long id, final String label)
    {
        final byte[] salt = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(id).array();
        final byte[] info = label.getBytes(StandardCharsets.UTF_8);
        try
        {
            final Mac extract = Mac.getInstance(HMAC);
            extract.init(new SecretKeySpec(salt, HMAC));
            final byte[] prk = extract.doFinal(ikm);
            final Mac expand = Mac.getInstance(HMAC);
            expand.init(new SecretKeySpec(prk, HMAC));
            expand.update(info);
            expand.update((byte)1);
            final byte[] okm = expand.doFinal();
            Arrays.fill(prk, (byte)0);
            return new DataKey(id, Arrays.copyOf(okm, BYTES));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("deriving the data-plane key with HKDF-" + HMAC + " (every Java 17 " +
                "runtime has it)", ex);
        }
    }

    /** @return the key id chunks under this key carry. */
    public long id()
    {
        return id;
    }

    /** @return a copy of the key bytes (for a MAC or cipher instance of the thread that uses it). */
    byte[] bytes()
    {
        return secret.clone();
    }

    /** @return true when {@code other} is the same key (constant-time on the key bytes). */
    public boolean sameAs(final DataKey other)
    {
        return null != other && other.id == id && MessageDigest.isEqual(other.secret, secret);
    }

    /** @return the key id, never the key. */
    @Override
    public String toString()
    {
        return "DataKey[id " + String.format("%016x", id) + "]";
    }
}
