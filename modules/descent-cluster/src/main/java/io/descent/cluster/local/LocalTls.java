package io.descent.cluster.local;

import io.descent.nn.error.BadInputException;
import io.descent.pki.CertificateAuthority;
import io.descent.pki.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The throw-away TLS material of one local job: a CA that lives only in this JVM's memory (its key is never written)
 * and, per node, a directory {@code <temp>/<node>/} with {@code ca.crt}, {@code tls.crt} and {@code tls.key} for the
 * node's {@code --tls-dir}, under a private (0700) temporary directory that {@link #close()} deletes. Not thread-safe:
 * the launcher creates and closes it.
 */
final class LocalTls implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalTls.class);
    /** The cluster name every certificate of a local job carries. */
    private static final String CLUSTER = "descent-local";
    /** Long enough for any local job, short enough that a leaked key is soon worthless. */
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final Path dir;

    private LocalTls(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * Makes a CA and a certificate per node.
     *
     * @param nodes the nodes' names ({@code ps}, {@code worker-0}, …).
     * @return the material, on disk until {@link #close()}.
     */
    static LocalTls create(final List<String> nodes)
    {
        final Path dir;
        try
        {
            dir = Files.createTempDirectory("descent-tls-",
                PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("creating the local job's TLS directory in " +
                System.getProperty("java.io.tmpdir"), ex);
        }
        final LocalTls tls = new LocalTls(dir);
        try
        {
            final long start = System.nanoTime();
            final CertificateAuthority ca = CertificateAuthority.create(CLUSTER + "-ca", VALIDITY);
            for (final String node : nodes)
            {
                ca.issue(node, CLUSTER, VALIDITY).writeTo(dir.resolve(node), false);
            }
            LOG.info("control plane: mutual TLS with a throw-away CA; {} node certificates in {} ({} ms)",
                nodes.size(), dir, (System.nanoTime() - start) / 1_000_000);
            return tls;
        }
        catch (final RuntimeException ex)
        {
            tls.close();
            throw ex;
        }
    }

    /** @return the TLS directory of {@code node}. */
    Path dirOf(final String node)
    {
        final Path nodeDir = dir.resolve(node);
        if (!Files.isDirectory(nodeDir))
        {
            throw new BadInputException("no local TLS material for node " + node);
        }
        return nodeDir;
    }

    /** Deletes the keys and certificates. */
    @Override
    public void close()
    {
        try
        {
            PrivateFiles.deleteTree(dir);
        }
        catch (final UncheckedIOException ex)
        {
            LOG.warn("could not delete the local job's TLS material in {}: {}", dir, ex.getMessage());
        }
    }
}
