package io.descent.cluster.protocol;

import io.descent.nn.error.BadInputException;
import io.descent.transport.wire.DataKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared key, or none. A worker proves it knows the key by sending
 * HMAC-SHA256(key, {@link RegistrationClaim#bytes()}) with its registration; the parameter server recomputes it
 * and compares in constant time. The key itself never leaves the process and never appears in {@link #toString()}.
 *
 * <p>What the key does: only a process that knows it can register as a worker, and (unless
 * {@code descent.cluster.data-plane.auth = none}) every data-plane chunk carries a MAC under a key derived from it
 * and the parameter server's incarnation ({@link #dataPlaneKey}), so a process without the key cannot inject chunks.
 * What it does not do: it encrypts nothing, and it does not authenticate Akka's control messages: Akka remoting
 * runs without TLS, so whoever can reach a node's Akka port can join the Akka cluster and send control messages,
 * and whoever can see the traffic can read them and the data plane's buffers. Run the cluster on a network only the
 * job's nodes can reach.
 *
 * <p>Immutable and thread-safe (a {@link Mac} is created per use).
 */
public final class ClusterKey
{
    /** The environment variable the key is read from (Kubernetes passes the Secret in it). */
    public static final String ENV = "DESCENT_CLUSTER_KEY";

    /** The shortest key accepted, in bytes of its UTF-8 text. */
    public static final int MIN_BYTES = 16;

    /** No key: registrations carry an empty proof and a server without a key accepts only those. */
    public static final ClusterKey NONE = new ClusterKey(null, "none");

    private static final String ALGORITHM = "HmacSHA256";
    private static final String FIX = "; set the same " + ENV + " on every node";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;
    private final String source;

    private ClusterKey(final byte[] secret, final String source)
    {
        this.secret = secret;
        this.source = source;
    }

    /**
     * @param text   the key as text (surrounding white space is ignored), or null.
     * @param source where it came from, for messages (e.g. {@code descent.cluster.key}); never the key itself.
     * @return {@link #NONE} for null or blank text, else the key.
     * @throws BadInputException naming {@code source} when the key is shorter than {@link #MIN_BYTES}.
     */
    public static ClusterKey parse(final String text, final String source)
    {
        if (null == text || text.isBlank())
        {
            return NONE;
        }
        final byte[] bytes = text.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES)
        {
            throw new BadInputException(source + " is " + bytes.length + " bytes long; a cluster key must be at " +
                "least " + MIN_BYTES + " bytes (make one with: openssl rand -hex 32)");
        }
        return new ClusterKey(bytes, source);
    }

    /**
     * @param file   a file holding the key as text (a trailing newline is ignored).
     * @param option the option that named it, for messages.
     * @return the key.
     * @throws BadInputException when the file cannot be read, is empty or holds a key that is too short.
     */
    public static ClusterKey readFile(final Path file, final String option)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new BadInputException(option + " " + file + " cannot be read: " + ex);
        }
        if (text.isBlank())
        {
            throw new BadInputException(option + " " + file + " is empty; put the cluster key in it (make one " +
                "with: openssl rand -hex 32)");
        }
        return parse(text, option + " " + file);
    }

    /** @return a fresh key for one job: 32 random bytes as 64 hex digits. */
    public static String randomText()
    {
        final byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /** @return true when there is a key. */
    public boolean present()
    {
        return null != secret;
    }

    /** @return where the key came from (a setting, variable or file name), or "none". */
    public String source()
    {
        return source;
    }

    /**
     * @param incarnation the parameter server's start nonce.
     * @param label       the key's context (HKDF info).
     * @return the data-plane key of that start of the job: HKDF-SHA256 of this key with the incarnation as salt.
     * @throws IllegalStateException without a key.
     */
    public DataKey dataPlaneKey(final long incarnation, final String label)
    {
        if (!present())
        {
            throw new IllegalStateException("no cluster key to derive a data-plane key from");
        }
        return DataKey.derive(secret, incarnation, label);
    }

    /**
     * @param claim what the registration says.
     * @return the proof to send: HMAC-SHA256 of the claim as 64 lowercase hex digits, or empty without a key.
     */
    public String prove(final RegistrationClaim claim)
    {
        return present() ? HexFormat.of().formatHex(mac(claim.bytes())) : "";
    }

    /**
     * Checks a worker's proof against this (the server's) key, in constant time.
     *
     * @param claim what the registration says, as the server sees it.
     * @param proof the proof it carried.
     * @return null when it is valid, else a one-line reason for both sides that never contains a key.
     */
    public String refusal(final RegistrationClaim claim, final String proof)
    {
        return refusal(claim, proof, "the worker");
    }

    /**
     * {@link #refusal(RegistrationClaim, String)} for any registering node.
     *
     * @param node the registering node, for the reason ("the worker", "server shard 1").
     */
    public String refusal(final RegistrationClaim claim, final String proof, final String node)
    {
        final boolean nodeHasKey = null != proof && !proof.isEmpty();
        if (!present())
        {
            return nodeHasKey ? "cluster key differs: " + node + " has a cluster key but the parameter server has " +
                "none" + FIX : null;
        }
        if (!nodeHasKey)
        {
            return "cluster key differs: " + node + " has no cluster key but the parameter server has one" + FIX;
        }
        if (!MessageDigest.isEqual(mac(claim.bytes()), decode(proof)))
        {
            return "cluster key differs: " + node + "'s key proof does not match the parameter server's key" + FIX;
        }
        return null;
    }

    private byte[] mac(final byte[] message)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac.doFinal(message);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("computing " + ALGORITHM + " of a registration (every Java 17 runtime " +
                "has it)", ex);
        }
    }

    private static byte[] decode(final String hex)
    {
        try
        {
            return HexFormat.of().parseHex(hex);
        }
        catch (final IllegalArgumentException ex)
        {
            // A malformed proof is a wrong proof: compare against nothing.
            return new byte[0];
        }
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ClusterKey key && MessageDigest.isEqual(secret, key.secret);
    }

    @Override
    public int hashCode()
    {
        return present() ? 1 : 0;
    }

    /** @return where the key came from, never the key. */
    @Override
    public String toString()
    {
        return present() ? "ClusterKey[from " + source + "]" : "ClusterKey[none]";
    }
}
