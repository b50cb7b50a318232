package io.descent.cli.cluster;

import io.descent.cli.DescentCli;
import io.descent.pki.TlsFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS on the control plane, from the hostile side: a parameter server with a certificate of the job's CA lets
 * in only nodes with a certificate of that CA. A worker with a certificate of another CA and a worker without TLS
 * each exit 2 with one line saying what to fix; a client that trusts anything but holds a foreign certificate, one
 * with no certificate and one speaking plain Artery TCP are refused in the handshake; the server says each refusal in
 * one line and trains on with the good worker to the end.
 */
@Tag("slow")
class ControlPlaneTlsTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, synthetic { kind = teacher, samples = 600, test-samples = 100, features = 8, " +
        "classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 30, epochs = 1 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldLetInOnlyNodesWithACertificateOfTheJobsCa() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path jobCa = dir.resolve("job-ca");
        final Path otherCa = dir.resolve("other-ca");
        assertEquals(0, DescentCli.run("certs", "create", "--ca", jobCa.toString(), "--node", "ps,good"));
        assertEquals(0, DescentCli.run("certs", "create", "--ca", otherCa.toString(), "--node", "rogue"));
        final int port = NodeProcess.freePort();
        final String seed = "127.0.0.1:" + port;
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "1", "--tls-dir", jobCa.resolve("ps").toString(), "--cluster",
                "registration-timeout=120s")))
        {
            server.awaitOutput("parameter server on", Duration.ofSeconds(60));
            try (NodeProcess rogue = worker("rogue", seed, job, otherCa.resolve("rogue"));
                 NodeProcess plain = worker("plain", seed, job, null))
            {
                final String rogueLine = oneLine(rogue);
                assertTrue(rogueLine.startsWith("descent: could not join the parameter server at " + seed) &&
                    rogueLine.contains("is not signed by this node's CA"), rogueLine);
                final String plainLine = oneLine(plain);
                assertTrue(plainLine.contains("requires mutual TLS") && plainLine.contains("--tls-dir"), plainLine);
            }
            assertRefused(handshake(port, otherCa.resolve("rogue")), "a foreign certificate");
            assertRefused(handshake(port, null), "no certificate");
            plainArtery(port);
            awaitLines(server, "the connecting node does not accept this node's certificate",
                "the certificate of the connecting node is not signed by this node's CA",
                "the connecting node presented no certificate", "the connecting node does not speak TLS");

            try (NodeProcess good = new NodeProcess(dir, "good", List.of("worker", "--config", job.toString(),
                "--join", seed, "--tls-dir", jobCa.resolve("good").toString())))
            {
                assertEquals(0, server.awaitExit(Duration.ofSeconds(120)), server.stderr());
                assertEquals(0, good.awaitExit(Duration.ofSeconds(60)), good.stderr());
                assertTrue(good.stderr().contains("control plane: mutual-tls (TLSv1.3"), good.stderr());
            }
            assertTrue(server.stderr().contains("control plane: mutual-tls (TLSv1.3"), server.stderr());
        }
    }

    private NodeProcess worker(final String name, final String seed, final Path job, final Path tls)
        throws IOException
    {
        final List<String> args = new java.util.ArrayList<>(List.of("worker", "--config", job.toString(), "--join",
            seed, "--exit-with-parent"));
        if (null != tls)
        {
            args.addAll(List.of("--tls-dir", tls.toString()));
        }
        return NodeProcess.asUser(dir, name, List.of(), args);
    }

    /** @return the one line a refused node printed: it exits 2 at once, not at its registration timeout. */
    private static String oneLine(final NodeProcess node) throws Exception
    {
        assertEquals(DescentCli.EXIT_BAD_INPUT, node.awaitExit(Duration.ofSeconds(60)), node.stderr());
        // A loaded machine may add the sgemm calibration's warning, which is not about this.
        final List<String> lines = node.stderr().lines().filter(l -> !l.contains("SgemmProbe")).toList();
        assertEquals(1, lines.size(), node.stderr());
        return lines.get(0);
    }

    /**
     * A TLS client that trusts any server and presents {@code tls}'s certificate (none when null).
     *
     * @return the exception that ended the connection, or null when the server took it.
     */
    private static Exception handshake(final int port, final Path tls) throws Exception
    {
        final SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null == tls ? null : keyManagers(new TlsFiles(tls)), new TrustManager[] {new TrustAll()}, null);
        try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            // TLS 1.3: the client is done before the server has checked its certificate; the verdict comes next.
            socket.getOutputStream().write("AKKA".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return socket.getInputStream().read() < 0 ? new IOException("closed by the server") : null;
        }
        catch (final SSLException | SocketException ex)
        {
            // Refused: in the handshake, or (TLS 1.3, the server checks the certificate after the client is done) the
            // server closed the connection before the first write reached it: broken pipe or reset.
            return ex;
        }
    }

    private static void assertRefused(final Exception outcome, final String what)
    {
        assertTrue(null != outcome, "a client with " + what + " completed a session");
    }

    /** Speaks Artery's plain TCP header to the TLS port, as a node without TLS would. */
    private static void plainArtery(final int port) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            final OutputStream out = socket.getOutputStream();
            out.write("AKKA".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[32]);
            out.flush();
            socket.setSoTimeout(10_000);
            assertEquals(-1, socket.getInputStream().read(), "the server closes a plain connection");
        }
        catch (final java.net.SocketException reset)
        {
            // Closed with a reset: refused as well.
        }
    }

    private static void awaitLines(final NodeProcess server, final String... lines) throws IOException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true)
        {
            final String err = server.stderr();
            final List<String> missing = java.util.Arrays.stream(lines).filter(l -> !err.contains(l)).toList();
            if (missing.isEmpty())
            {
                return;
            }
            assertFalse(System.nanoTime() - deadline > 0, "the server did not say " + missing + ":\n" + err);
            LockSupport.parkNanos(200_000_000L);
        }
    }

    private static javax.net.ssl.KeyManager[] keyManagers(final TlsFiles files) throws Exception
    {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("node", io.descent.pki.Pem.privateKey(files.key(), "test"), "x".toCharArray(),
            new Certificate[] {io.descent.pki.Pem.certificate(files.certificate(), "test")});
        final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, "x".toCharArray());
        return factory.getKeyManagers();
    }

    /** The hostile client trusts anything: only the server's check is under test. */
    private static final class TrustAll implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
