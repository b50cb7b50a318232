package io.descent.cluster.node;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertPathValidatorException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a failed handshake is told, and which refusals end a worker at once. */
class TlsRefusalsTest
{
    @Test
    void shouldClassifyWhatJsseThrows()
    {
        final SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path validation failed");
        untrusted.initCause(new CertPathValidatorException("signature check failed"));
        assertEquals(TlsRefusals.Kind.UNTRUSTED, TlsRefusals.classify(untrusted));
        assertEquals(TlsRefusals.Kind.NOT_TLS,
            TlsRefusals.classify(new SSLException("Unsupported or unrecognized SSL message")));
        assertEquals(TlsRefusals.Kind.NO_CERTIFICATE,
            TlsRefusals.classify(new SSLHandshakeException("Empty client certificate chain")));
        assertEquals(TlsRefusals.Kind.REFUSED_BY_PEER,
            TlsRefusals.classify(new SSLHandshakeException("Received fatal alert: certificate_unknown")));
        assertEquals(TlsRefusals.Kind.CLOSED,
            TlsRefusals.classify(new SSLException("closing inbound before receiving peer's close_notify")));
        assertEquals(TlsRefusals.Kind.OTHER, TlsRefusals.classify(new SSLException("something else")));
    }

    @Test
    void shouldEndAWorkerOnlyOnRefusalsRetryingCannotHeal()
    {
        final TlsRefusals refusals = new TlsRefusals();
        refusals.onFailure(false, null, true, new SSLException("Unsupported or unrecognized SSL message"));
        refusals.onFailure(true, "h:1", true, new SSLException("something else"));
        refusals.onFailure(true, "h:1", false, new SSLException("closing inbound before receiving peer's close_notify"));
        assertFalse(refusals.fatal().toCompletableFuture().isDone(), "inbound, unknown and silent closes do not");
        assertEquals(2, refusals.refusedCount(), "a close before any byte is a port check, not a refusal");

        refusals.onFailure(true, "h:1", true, new SSLHandshakeException("Received fatal alert: bad_certificate"));
        final String reason = refusals.fatal().toCompletableFuture().getNow("");
        assertTrue(reason.contains("does not accept this node's certificate") && reason.contains("one CA"), reason);
    }

    @Test
    void shouldTakeRepeatedClosesDuringTheHandshakeAsAPeerWithoutTls()
    {
        final TlsRefusals refusals = new TlsRefusals();
        final SSLException closed = new SSLException("closing inbound before receiving peer's close_notify");
        refusals.onFailure(true, "h:1", true, closed);
        refusals.onFailure(true, "h:1", true, closed);
        refusals.onVerified();
        refusals.onFailure(true, "h:1", true, closed);
        refusals.onFailure(true, "h:1", true, closed);
        assertFalse(refusals.fatal().toCompletableFuture().isDone(), "a verified handshake resets the count");
        refusals.onFailure(true, "h:1", true, closed);
        assertTrue(refusals.fatal().toCompletableFuture().isDone());
    }
}
