package io.descent.transport.wire;

/**
 * How a chunk proves where it came from: its one-byte wire code ({@link ChunkHeader#authCode()}) and its name in
 * settings, reports and {@code /health}. With {@link #CRC_ONLY} a chunk carries a CRC32C (integrity against
 * corruption, no authentication); with a MAC it carries a 16-byte tag under the job's {@link DataKey} over the
 * receiving session id, the header and the payload, which replaces the CRC.
 */
public enum ChunkAuth
{
    /** CRC32C only: anyone who can reach an endpoint can inject chunks. */
    CRC_ONLY((byte)0, "crc-only"),
    /** HMAC-SHA256 truncated to 128 bits. No nonce: nothing can be reused wrongly. */
    HMAC_SHA256((byte)1, "hmac-sha256"),
    /**
     * AES-256-GCM used as a MAC: the tag of the session id and header (associated data) and the payload (plaintext,
     * its ciphertext discarded); nonce = session id (4 bytes) and the sender's chunk sequence (8 bytes, starting at a
     * random value per sender). See {@link ChunkMac}.
     */
    AES_GMAC((byte)2, "aes-gmac"),
    /**
     * ChaCha20-Poly1305 (RFC 8439) used as a MAC: the tag of the session id, header and payload, all associated data,
     * under the same nonce as {@link #AES_GMAC}. See {@link PolyTag}.
     */
    CHACHA20_POLY1305((byte)3, "chacha20-poly1305");

    private static final ChunkAuth[] BY_CODE = { CRC_ONLY, HMAC_SHA256, AES_GMAC, CHACHA20_POLY1305 };

    private final byte code;
    private final String label;

    ChunkAuth(final byte code, final String label)
    {
        this.code = code;
        this.label = label;
    }

    /** @return the wire value. */
    public byte code()
    {
        return code;
    }

    /** @return the name used in settings, reports and {@code /health} (e.g. {@code hmac-sha256}). */
    public String label()
    {
        return label;
    }

    /** @return true for a MAC (not {@link #CRC_ONLY}). */
    public boolean authenticates()
    {
        return this != CRC_ONLY;
    }

    /** @return the auth for a wire code, or null when it is unknown (a malformed chunk). */
    public static ChunkAuth fromCode(final byte code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** @return the auth named {@code label}, or null. */
    public static ChunkAuth fromLabel(final String label)
    {
        for (final ChunkAuth auth : values())
        {
            if (auth.label.equals(label))
            {
                return auth;
            }
        }
        return null;
    }
}
