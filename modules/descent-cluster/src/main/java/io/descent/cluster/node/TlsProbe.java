package io.descent.cluster.node;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * Asks whether a seed's control plane speaks TLS before a node joins it, so that a node with TLS and a seed without
 * (or the other way round) is one clear line at once instead of joins that fail until the registration timeout. It
 * sends a TLS hello (trusting any server certificate: it only asks, and sends nothing else); a plain Artery seed
 * reads a bad header and resets the connection, quietly. A seed still starting can do the same to a TLS hello (its
 * port is bound before its TLS stage is ready: seen in CI, a worker told "does not speak TLS" by a TLS seed a second
 * before it logged "Remoting started"), so a dropped hello is believed only when every one of
 * {@link #NOT_TLS_PROBES} probes, {@link #PAUSE_MS} ms apart, drops it. Stateless.
 */
final class TlsProbe
{
    private static final int TIMEOUT_MS = 5000;
    private static final int HANDSHAKE_RECORD = 22;
    private static final int ALERT_RECORD = 21;
    /** Probes that must all see the hello dropped before the seed is taken for one without TLS. */
    static final int NOT_TLS_PROBES = 3;
    /** Between those probes. */
    static final long PAUSE_MS = 1000;

    /** What the seed did with a TLS hello. */
    enum Answer
    {
        /** A TLS server answered (a server hello, or a TLS alert). */
        TLS,
        /** The seed closed or reset the connection on the hello: it does not speak TLS. */
        NOT_TLS,
        /** No answer in time, or no connection: nothing is known. */
        UNKNOWN
    }

    private TlsProbe()
    {
    }

    /**
     * @param seed the seed's control-plane address.
     * @param tls  whether this node has TLS: then only the seed's first bytes are read (a TLS server answers a hello
     *             with a handshake record or an alert; a plain Artery seed closes), and the connection is dropped
     *             before any certificate is exchanged; without, a whole handshake without a certificate is tried,
     *             which a TLS seed refuses and logs.
     * @return what the seed did; {@link Answer#NOT_TLS} only when it dropped the hello {@link #NOT_TLS_PROBES} times.
     */
    static Answer ask(final HostPort seed, final boolean tls)
    {
        return confirmed(() -> tls ? firstBytes(seed) : handshake(seed), PAUSE_MS);
    }

    /**
     * @param probe one probe.
     * @param pause milliseconds between probes.
     * @return the first answer other than {@link Answer#NOT_TLS}, or {@link Answer#NOT_TLS} when every one of
     *         {@link #NOT_TLS_PROBES} probes gave it.
     */
    static Answer confirmed(final java.util.function.Supplier<Answer> probe, final long pause)
    {
        Answer answer = probe.get();
        for (int i = 1; i < NOT_TLS_PROBES && answer == Answer.NOT_TLS; i++)
        {
            final long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(pause);
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime())
            {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
                if (Thread.currentThread().isInterrupted())
                {
                    return Answer.UNKNOWN;
                }
            }
            answer = probe.get();
        }
        return answer;
    }

    private static Answer handshake(final HostPort seed)
    {
        try (SSLSocket socket = (SSLSocket)context().getSocketFactory().createSocket())
        {
            try
            {
                socket.connect(new InetSocketAddress(seed.host(), seed.port()), TIMEOUT_MS);
            }
            catch (final IOException ex)
            {
                return Answer.UNKNOWN;
            }
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            return Answer.TLS;
        }
        catch (final SSLException ex)
        {
            return String.valueOf(ex.getMessage()).contains("Received fatal alert") ? Answer.TLS : Answer.UNKNOWN;
        }
        catch (final IOException ex)
        {
            return Answer.UNKNOWN;
        }
    }

    private static Answer firstBytes(final HostPort seed)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(seed.host(), seed.port()), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            final SSLEngine engine = context().createSSLEngine(seed.host(), seed.port());
            engine.setUseClientMode(true);
            final ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), hello);
            hello.flip();
            socket.getOutputStream().write(hello.array(), 0, hello.limit());
            socket.getOutputStream().flush();
            final int first = socket.getInputStream().read();
            if (first < 0)
            {
                return Answer.NOT_TLS;
            }
            return first == HANDSHAKE_RECORD || first == ALERT_RECORD ? Answer.TLS : Answer.NOT_TLS;
        }
        catch (final SocketTimeoutException ex)
        {
            return Answer.UNKNOWN;
        }
        catch (final SocketException ex)
        {
            // Reset under the hello: a plain Artery seed refusing a header that is not its own; or no connection.
            return socket(ex) ? Answer.NOT_TLS : Answer.UNKNOWN;
        }
        catch (final IOException ex)
        {
            return Answer.UNKNOWN;
        }
    }

    private static boolean socket(final SocketException ex)
    {
        return String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset");
    }

    private static SSLContext context()
    {
        try
        {
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingAnything()}, null);
            return context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("making the TLS context of the seed probe", ex);
        }
    }

    /** Accepts any server certificate: the probe only asks whether TLS is spoken, and sends nothing. */
    private static final class TrustingAnything implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
            throw new UnsupportedOperationException("a probe is a client only");
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
            // Anything: see the class comment.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
