package io.descent.cli.certs;

import io.descent.nn.error.BadInputException;
import io.descent.pki.CertificateAuthority;
import io.descent.pki.NodeCredentials;
import io.descent.pki.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code descent certs create --ca DIR --node NAME...}: makes a CA in DIR when it holds none ({@code ca.crt},
 * {@code ca.key}) and, for each node, {@code OUT/NAME/} with {@code ca.crt}, {@code tls.crt} and {@code tls.key}: the
 * directory a node's {@code --tls-dir} takes, in a cert-manager Secret's layout. Every file is 0600 and written
 * atomically, directories it creates are 0700; an existing node key is kept (an error) unless {@code --force}.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {"Create a CA (unless DIR has one) and a certificate and RSA key per node, signed by it.",
        "Writes DIR/ca.crt and DIR/ca.key (the CA: keep ca.key private; nodes never need it) and, per node, " +
            "OUT/NAME/{ca.crt,tls.crt,tls.key} for 'descent ps|worker --tls-dir OUT/NAME'."})
public final class CreateCommand implements Callable<Integer>
{
    @Option(names = "--ca", paramLabel = "DIR", required = true,
        description = "the CA's directory: its ca.crt and ca.key are used, or created when DIR has no ca.key")
    Path ca;

    @Option(names = "--node", paramLabel = "NAME", required = true, split = ",",
        description = "a node to issue a certificate for (repeat or comma-separate; a lower-case DNS name, e.g. " +
            "ps or worker-0): its CN and first DNS name")
    List<String> nodes;

    @Option(names = "--out", paramLabel = "DIR", description = "where the node directories go (default: the --ca DIR)")
    Path out;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = CertificateAuthority.DEFAULT_CLUSTER,
        description = "the DNS name every node certificate of the cluster carries: Akka accepts a peer only when " +
            "the certificates share a subject name (default: ${DEFAULT-VALUE})")
    String clusterName;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
        description = "how long node certificates are valid, in days (default: ${DEFAULT-VALUE}; a new CA: 10 years)")
    int days;

    @Option(names = "--force", description = "replace existing node keys and certificates")
    boolean force;

    private final PrintStream output = System.out;

    @Override
    public Integer call()
    {
        if (days < 1 || days > 3650)
        {
            throw new BadInputException("--days " + days + " is out of range; allowed: 1..3650");
        }
        for (final String node : nodes)
        {
            CertificateAuthority.checkName(node, "--node");
        }
        CertificateAuthority.checkName(clusterName, "--cluster-name");
        final CertificateAuthority authority;
        if (CertificateAuthority.existsIn(ca))
        {
            authority = CertificateAuthority.load(ca);
            output.printf("CA: %s (existing, %s)%n", ca.resolve(CertificateAuthority.CERT_FILE),
                authority.certificate().getSubjectX500Principal().getName());
        }
        else
        {
            authority = CertificateAuthority.create(clusterName + "-ca", Duration.ofDays(3650));
            authority.writeTo(ca);
            output.printf("CA: created %s and %s (keep the key private; nodes never need it)%n",
                ca.resolve(CertificateAuthority.CERT_FILE), ca.resolve(CertificateAuthority.KEY_FILE));
        }
        final Path base = null == out ? ca : out;
        for (final String node : new LinkedHashSet<>(nodes))
        {
            final NodeCredentials credentials = authority.issue(node, clusterName, Duration.ofDays(days));
            final TlsFiles files = credentials.writeTo(base.resolve(node), force);
            output.printf("node %s: %s (%s, %s, %s; names %s, valid until %s)%n", node, files.dir(), TlsFiles.CA,
                TlsFiles.CERT, TlsFiles.KEY, files.check("--node " + node).names(),
                credentials.certificate().getNotAfter().toInstant());
        }
        return 0;
    }
}
