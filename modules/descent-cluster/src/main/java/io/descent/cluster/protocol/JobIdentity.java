package io.descent.cluster.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.descent.nn.Fingerprint;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * What every node of a job must agree on before step 1: the model (fingerprint) and the job configuration (a digest
 * of the job, data, model and train sections), and, on the data plane, which start of the parameter server it talks
 * to (the incarnation). The data plane's job id is the digest mixed with the incarnation ({@link #jobId()}), so a
 * buffer of an earlier incarnation of the server (in flight when it was restarted) never matches a message of the
 * current one: it is dropped and counted as a chunk of an unknown job. Registration compares fingerprint and digest
 * only ({@link #mismatch}): a worker registers before it knows the incarnation, and learns it from
 * {@link ServerProtocol.Accepted}. Immutable.
 *
 * @param fingerprint  the model fingerprint hash.
 * @param architecture the model architecture, for messages.
 * @param configDigest FNV-1a 64 of the rendered job configuration.
 * @param incarnation  the parameter server's start nonce ({@link #newIncarnation()}), or {@link #NO_INCARNATION}
 *                     while a worker does not know it yet.
 */
public record JobIdentity(long fingerprint, String architecture, long configDigest, long incarnation)
{
    /** The incarnation of an identity not bound to a start of the parameter server (a registering worker's). */
    public static final long NO_INCARNATION = 0L;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final SecureRandom NONCES = new SecureRandom();

    /**
     * An identity with no incarnation yet.
     *
     * @param fingerprint  the model fingerprint hash.
     * @param architecture the model architecture, for messages.
     * @param configDigest FNV-1a 64 of the rendered job configuration.
     */
    public JobIdentity(final long fingerprint, final String architecture, final long configDigest)
    {
        this(fingerprint, architecture, configDigest, NO_INCARNATION);
    }

    /** @return a random incarnation nonce for a parameter server that is starting, never {@link #NO_INCARNATION}. */
    public static long newIncarnation()
    {
        long nonce;
        do
        {
            nonce = NONCES.nextLong();
        }
        while (nonce == NO_INCARNATION);
        return nonce;
    }

    /**
     * @param newIncarnation the parameter server's start nonce.
     * @return this identity bound to that start of the server.
     */
    public JobIdentity withIncarnation(final long newIncarnation)
    {
        return new JobIdentity(fingerprint, architecture, configDigest, newIncarnation);
    }

    /** @return the data plane's job id: the configuration digest mixed with the incarnation (the digest without). */
    public long jobId()
    {
        return configDigest ^ incarnation;
    }

    /**
     * @param fingerprint the node's model fingerprint.
     * @param raw         the merged job configuration (sections job, data, model, train).
     * @return the identity.
     */
    public static JobIdentity of(final Fingerprint fingerprint, final Config raw)
    {
        final StringBuilder text = new StringBuilder();
        for (final String section : new String[]{ "job", "data", "model", "train" })
        {
            if (raw.hasPath(section))
            {
                text.append(section).append('=')
                    .append(raw.getConfig(section).root().render(ConfigRenderOptions.concise())).append(';');
            }
        }
        long hash = FNV_OFFSET;
        for (final byte b : text.toString().getBytes(StandardCharsets.UTF_8))
        {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return new JobIdentity(fingerprint.hash(), fingerprint.architecture(), hash);
    }

    /**
     * @param kind   what the message holds.
     * @param step   the step (or weights version) it belongs to.
     * @param sender the sending worker's rank, or the parameter server's sender id.
     * @param words  its length in 4-byte words (floats, or the fixed-size ints of a control record), from offset 0.
     * @return the data-plane identity of a message of this job.
     */
    public MessageId messageId(final MessageKind kind, final long step, final int sender, final int words)
    {
        return new MessageId(jobId(), fingerprint, kind, step, sender, 0, words);
    }

    /**
     * @param kind   what the message holds (weights or a gradient).
     * @param step   the step (or weights version) it belongs to.
     * @param sender the sending worker's rank, or the parameter server's sender id.
     * @param offset the first float of the range in the full vector.
     * @param floats the floats in the range.
     * @return the data-plane identity of one range of a vector of this job (a parameter-server shard's).
     */
    public MessageId rangeId(final MessageKind kind, final long step, final int sender, final long offset,
        final int floats)
    {
        return new MessageId(jobId(), fingerprint, kind, step, sender, offset, floats);
    }

    /**
     * @param other a worker's identity.
     * @return null when it matches this one (the incarnations aside), else a one-line reason naming both sides.
     */
    public String mismatch(final JobIdentity other)
    {
        if (other.fingerprint != fingerprint)
        {
            return String.format("model fingerprint mismatch: worker has %016x (%s), parameter server has %016x (%s);" +
                " start every node with the same model configuration", other.fingerprint, other.architecture,
                fingerprint, architecture);
        }
        if (other.configDigest != configDigest)
        {
            return String.format("job configuration mismatch: worker's digest %016x, parameter server's %016x; start" +
                " every node with the same job file, overrides and seed", other.configDigest, configDigest);
        }
        return null;
    }
}
