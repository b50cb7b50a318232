package io.descent.cluster.protocol;

import io.descent.nn.error.BadInputException;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.FastestMac;

import java.util.Locale;

/**
 * The {@code descent.cluster.data-plane.auth} setting: how data-plane chunks are authenticated. {@link #AUTO} is a
 * MAC whenever a cluster key is set, else CRC only: the parameter server (its coordinator, with shards) takes the MAC
 * its runtime runs fastest ({@link FastestMac}) and workers and shards set to {@code auto} take the server's
 * ({@link #OFFER_AUTO}, {@link #refusal}), so nodes on different CPUs or JDKs still agree. Immutable.
 */
public enum DataPlaneAuth
{
    /** A MAC iff a cluster key is set. */
    AUTO("auto"),
    /** HMAC-SHA256 (needs a key). */
    HMAC_SHA256("hmac-sha256"),
    /** AES-GMAC (needs a key). */
    AES_GMAC("aes-gmac"),
    /** ChaCha20-Poly1305 as a MAC (needs a key). */
    CHACHA20_POLY1305("chacha20-poly1305"),
    /** CRC32C only, even with a key. */
    NONE("none");

    /**
     * What a node set to {@code auto} with a key offers at registration: it takes the MAC of the node it registers
     * with. Both sides of every chunk pay the MAC, so the server picks per host: ChaCha20-Poly1305 where the JDK
     * vectorises Poly1305 (7–9 GB/s on one core of an AVX-512 IFMA host, JDK 25), else AES-GMAC (AES-NI/VAES and
     * carry-less multiplication, 3.7–4.9 GB/s there), both well ahead of HMAC-SHA256 (1.2–1.6 GB/s with SHA-NI). Their
     * nonce (session id, per-sender sequence from a random start) never repeats under one key: the key is new for
     * every start of the parameter server, which hands out distinct session ids within a start.
     */
    public static final String OFFER_AUTO = "auto";

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
        throw new BadInputException(source + " = '" + text + "' is not allowed; use auto, hmac-sha256, aes-gmac, " +
            "chacha20-poly1305 or none");
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
            case AUTO -> key.present() ? FastestMac.onThisRuntime() : ChunkAuth.CRC_ONLY;
            case NONE -> ChunkAuth.CRC_ONLY;
            case HMAC_SHA256, AES_GMAC, CHACHA20_POLY1305 ->
            {
                if (!key.present())
                {
                    throw new BadInputException(source + " = " + label + " needs a cluster key; set " +
                        ClusterKey.ENV + " (or --cluster-key-file) on every node, or use auto");
                }
                yield ChunkAuth.fromLabel(label);
            }
        };
    }

    /**
     * @param own     the chunk authentication of the node registered with (the parameter server or coordinator).
     * @param offered what the registering node offered: its own ({@link ChunkAuth#label()}), or {@link #OFFER_AUTO}.
     * @param node    the registering node, for the message ("the worker", "server shard 2").
     * @return null when the registering node can run {@code own}, else a one-line reason.
     */
    public static String refusal(final ChunkAuth own, final String offered, final String node)
    {
        if (OFFER_AUTO.equals(offered) ? own.authenticates() : own.label().equals(offered))
        {
            return null;
        }
        final String theirs = OFFER_AUTO.equals(offered) ? "a MAC (auto, with a cluster key)" : offered;
        return "data-plane authentication differs: " + node + " uses " + theirs + " but the parameter server uses " +
            own.label() + "; set descent.cluster.data-plane.auth (auto lets every node take the server's MAC) and " +
            "the cluster key the same on every node";
    }

    /**
     * @param key     this node's cluster key.
     * @param source  the setting's name, for messages.
     * @param adopted the chunk authentication the node registered with runs ({@link ChunkAuth#label()}), or null or
     *                empty when it did not say.
     * @return what this node runs: with {@code auto} and a key, the MAC it registered with; else its own.
     */
    public ChunkAuth resolve(final ClusterKey key, final String source, final String adopted)
    {
        final ChunkAuth theirs = null == adopted ? null : ChunkAuth.fromLabel(adopted);
        return this == AUTO && key.present() && null != theirs && theirs.authenticates() ? theirs :
            resolve(key, source);
    }

    /** @return what this node offers at registration: {@link #OFFER_AUTO} for {@code auto} with a key, else its own. */
    public String offer(final ClusterKey key, final String source)
    {
        return this == AUTO && key.present() ? OFFER_AUTO : resolve(key, source).label();
    }

    /** @return the setting's value. */
    @Override
    public String toString()
    {
        return label;
    }
}
