package io.descent.nn;

import java.nio.charset.StandardCharsets;

/**
 * Identity of a model's shape: its architecture description and parameter count, plus a 64-bit hash of both that
 * travels with every buffer so that a gradient for another model is rejected.
 *
 * @param hash         FNV-1a 64 of {@code architecture + "#" + parameters}.
 * @param parameters   length of the flat parameter vector.
 * @param architecture human-readable architecture, e.g. {@code 784>dense(784,256,relu)>dense(256,10,softmax)}.
 */
public record Fingerprint(long hash, long parameters, String architecture)
{
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * @param architecture architecture description.
     * @param parameters   parameter count.
     * @return the fingerprint.
     */
    public static Fingerprint of(final String architecture, final long parameters)
    {
        long hash = FNV_OFFSET;
        for (final byte b : (architecture + "#" + parameters).getBytes(StandardCharsets.UTF_8))
        {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return new Fingerprint(hash, parameters, architecture);
    }

    /** @return the hash as 16 hex digits. */
    public String hex()
    {
        return String.format("%016x", hash);
    }
}
