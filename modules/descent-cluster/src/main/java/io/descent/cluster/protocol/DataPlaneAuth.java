package io.descent.cluster.protocol;

import io.descent.nn.error.BadInputException;
import io.descent.transport.wire.ChunkAuth;

import java.util.Locale;

/**
 * The {@code descent.cluster.data-plane.auth} setting: how data-plane chunks are authenticated. {@link #AUTO} is a
 * MAC whenever a cluster key is set ({@link #DEFAULT_MAC}), else CRC only. Immutable.
 */
public enum DataPlaneAuth
{
    /** A MAC iff a cluster key is set. */
    AUTO("auto"),
    /** HMAC-SHA256 (needs a key). */
    HMAC_SHA256("hmac-sha256"),
    /** AES-GMAC (needs a key). */
    AES_GMAC("aes-gmac"),
    /** CRC32C only, even with a key. */
    NONE("none");

    /**
     * What {@link #AUTO} picks with a key: AES-GMAC, which the JDK runs on AES-NI/VAES and carry-less multiplication
     * at about twice HMAC-SHA256's speed on one core (3.8 vs 1.8 GB/s over 64 KiB chunks on an AVX-512 host with
     * SHA-NI), and both sides of every chunk pay it. Its nonce (session id, per-sender sequence from a random start)
     * never repeats under one key: the key is new for every start of the parameter server, which hands out distinct
     * session ids within a start.
     */
    public static final ChunkAuth DEFAULT_MAC = ChunkAuth.AES_GMAC;

    /** The context label of the derived data-plane key (HKDF info). */
    public static final String KEY_LABEL = "descent data-plane v2";

    private final String label;

    DataPlaneAuth(final String label)
    {
        this.label = label;
    }

    /**
     * @param text   the setting's value.
     * @param source the setting's name, for messages.
     * @return the setting.
     * @throws BadInputException naming the setting, the value and the allowed values.
     */
    public static DataPlaneAuth parse(final String text, final String source)
    {
        final String value = null == text ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (final DataPlaneAuth auth : values())
        {
            if (auth.label.equals(value))
            {
                return auth;
            }
        }
        throw new BadInputException(source + " = '" + text + "' is not allowed; use auto, hmac-sha256, aes-gmac " +
            "or none");
    }

    /**
     * @param key    the node's cluster key.
     * @param source the setting's name, for messages.
     * @return the chunk authentication in force.
     * @throws BadInputException when a MAC is asked for without a key.
     */
    public ChunkAuth resolve(final ClusterKey key, final String source)
    {
        return switch (this)
        {
            case AUTO -> key.present() ? DEFAULT_MAC : ChunkAuth.CRC_ONLY;
            case NONE -> ChunkAuth.CRC_ONLY;
            case HMAC_SHA256, AES_GMAC ->
            {
                if (!key.present())
                {
                    throw new BadInputException(source + " = " + label + " needs a cluster key; set " +
                        ClusterKey.ENV + " (or --cluster-key-file) on every node, or use auto");
                }
                yield this == HMAC_SHA256 ? ChunkAuth.HMAC_SHA256 : ChunkAuth.AES_GMAC;
            }
        };
    }

    /** @return the setting's value. */
    @Override
    public String toString()
    {
        return label;
    }
}
