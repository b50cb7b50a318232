package io.descent.cluster.node;

import akka.actor.AbstractExtensionId;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import akka.actor.ExtensionIdProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.security.cert.CertPathValidatorException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TLS handshakes an actor system's control plane refused or was refused in, said in one clear line each (what
 * happened, with whom, what to do; a warning, the same at most once per {@link #REPEAT_NS} per peer), and, for a node
 * that connects out (a worker), the first refusal that cannot heal by retrying ({@link #fatal()}; logged at info, as
 * the worker ends with it as its one line): its certificate refused by the peer, the peer's not signed by its CA, no
 * shared subject name, or the peer closing the handshake {@link #CLOSED_LIMIT} times in a row (it does not speak
 * TLS). Connections closed before a byte arrived (port checks) and inbound ones closed during the handshake (probes,
 * nodes going away) are not refusals: debug only. An Akka extension: one per actor system, told by
 * {@link TlsEngineProvider} on Akka's stream threads. Thread-safe.
 */
public final class TlsRefusals implements Extension
{
    /** The extension's id: {@code TlsRefusals.ID.get(system)}. */
    public static final Id ID = new Id();

    private static final Logger LOG = LoggerFactory.getLogger(TlsRefusals.class);
    private static final long REPEAT_NS = 30_000_000_000L;
    private static final int CLOSED_LIMIT = 3;

    private final CompletableFuture<String> fatal = new CompletableFuture<>();
    private final Map<String, Long> lastSaid = new ConcurrentHashMap<>();
    private final AtomicInteger closedInARow = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    /** Made by {@link Id} (tests make their own). */
    TlsRefusals()
    {
    }

    /** The extension id; Akka makes one {@link TlsRefusals} per actor system. */
    public static final class Id extends AbstractExtensionId<TlsRefusals> implements ExtensionIdProvider
    {
        @Override
        public TlsRefusals createExtension(final ExtendedActorSystem system)
        {
            return new TlsRefusals();
        }

        @Override
        public Id lookup()
        {
            return ID;
        }
    }

    /** Why a handshake failed. */
    enum Kind
    {
        /** The peer sent something that is not TLS. */
        NOT_TLS,
        /** The peer's certificate is not signed by this node's CA. */
        UNTRUSTED,
        /** The peer presented no certificate. */
        NO_CERTIFICATE,
        /** The peer sent a fatal alert: it refused this node's certificate. */
        REFUSED_BY_PEER,
        /** The certificates share no subject name. */
        NO_SHARED_NAME,
        /** The peer closed the connection during the handshake. */
        CLOSED,
        /** Anything else. */
        OTHER
    }

    /** @return completes with the one-line reason of the first refusal that retrying cannot heal, on the way out. */
    public CompletionStage<String> fatal()
    {
        return fatal;
    }

    /** @return handshakes refused so far, both ways. */
    public int refusedCount()
    {
        return refused.get();
    }

    /** A handshake on an outbound connection completed: closes no longer count as in a row. */
    void onVerified()
    {
        closedInARow.set(0);
    }

    /**
     * @param outbound true when this node connected out (TLS client).
     * @param peer     {@code host:port} of the peer when known (outbound), else null.
     * @param heard    whether the peer sent anything on the connection.
     * @param failure  what JSSE threw.
     */
    void onFailure(final boolean outbound, final String peer, final boolean heard, final SSLException failure)
    {
        final Kind kind = classify(failure);
        if (kind == Kind.CLOSED && (!heard || !outbound))
        {
            // Closed without a byte: a node checking that this port is open (it waits for its seed). Closed by a
            // connecting node during the handshake: its probe (TlsProbe), or a node going away; a refusal is not it.
            LOG.debug("control plane: a connection {} closed during the TLS handshake: {}", outbound ? "to " + peer :
                "from a node", failure.getMessage());
            return;
        }
        onRefused(outbound, peer, kind, describe(kind, outbound, failure));
    }

    /**
     * @param outbound true when this node connected out.
     * @param peer     {@code host:port} of the peer when known, else null.
     * @param problem  what the subject-name check said.
     */
    void onNoSharedName(final boolean outbound, final String peer, final Throwable problem)
    {
        onRefused(outbound, peer, Kind.NO_SHARED_NAME, "the certificates share no subject name (" +
            problem.getMessage() + "): every node certificate of a cluster must carry its cluster name; issue them " +
            "with 'descent certs create --cluster-name NAME' from one CA");
    }

    private void onRefused(final boolean outbound, final String peer, final Kind kind, final String reason)
    {
        refused.incrementAndGet();
        final boolean definitive = outbound && switch (kind)
        {
            case UNTRUSTED, NO_CERTIFICATE, REFUSED_BY_PEER, NO_SHARED_NAME, NOT_TLS -> true;
            case CLOSED -> closedInARow.incrementAndGet() >= CLOSED_LIMIT;
            case OTHER -> false;
        };
        final String line = "control plane (mutual TLS): " + (outbound ? "connection to " + peer : "connection " +
            "from a node") + " refused: " + reason;
        final long now = System.nanoTime();
        final String key = kind + "@" + outbound + peer;
        final Long last = lastSaid.get(key);
        if (definitive)
        {
            // The reason becomes the node's own one line (a worker stops with it): the log file has it here.
            LOG.info(line);
            fatal.complete("the control plane's mutual-TLS handshake failed: " + reason);
        }
        else if (null == last || now - last > REPEAT_NS)
        {
            lastSaid.put(key, now);
            LOG.warn(line);
        }
    }

    static Kind classify(final SSLException failure)
    {
        for (Throwable cause = failure; null != cause; cause = cause.getCause())
        {
            if (cause instanceof CertPathValidatorException || String.valueOf(cause.getMessage()).contains("PKIX"))
            {
                return Kind.UNTRUSTED;
            }
        }
        final String message = String.valueOf(failure.getMessage());
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext connection"))
        {
            return Kind.NOT_TLS;
        }
        if (message.contains("Empty client certificate chain") || message.contains("Empty server certificate"))
        {
            return Kind.NO_CERTIFICATE;
        }
        if (message.contains("Received fatal alert"))
        {
            return Kind.REFUSED_BY_PEER;
        }
        if (message.contains("terminated the handshake") || message.contains("before receiving peer's close_notify"))
        {
            return Kind.CLOSED;
        }
        return Kind.OTHER;
    }

    private static String describe(final Kind kind, final boolean outbound, final SSLException failure)
    {
        final String peer = outbound ? "the node it connects to" : "the connecting node";
        return switch (kind)
        {
            case NOT_TLS -> peer + " does not speak TLS (" + failure.getMessage() + "): it runs without --tls-dir " +
                "(descent.cluster.tls.dir) in a cluster that requires mutual TLS; start it with --tls-dir DIR " +
                "holding a certificate of this cluster's CA";
            case UNTRUSTED -> "the certificate of " + peer + " is not signed by this node's CA (its ca.crt; " +
                failure.getMessage() + "): one of the two has a certificate of another CA; give every node of the " +
                "job a certificate of one CA (descent certs create)";
            case NO_CERTIFICATE -> peer + " presented no certificate: it runs without --tls-dir in a cluster that " +
                "requires mutual TLS; start it with --tls-dir DIR holding a certificate of this cluster's CA";
            case REFUSED_BY_PEER -> peer + " does not accept this node's certificate (" + failure.getMessage() +
                "): the two trust different CAs (ca.crt); give every node of the job a certificate of one CA " +
                "(descent certs create)";
            case CLOSED -> peer + " closed the connection during the TLS handshake (" + failure.getMessage() +
                "): it may run without --tls-dir, or be going away";
            case NO_SHARED_NAME, OTHER -> failure.getMessage();
        };
    }
}
