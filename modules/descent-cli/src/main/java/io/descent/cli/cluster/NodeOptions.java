package io.descent.cli.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobArguments;
import io.descent.pki.TlsFiles;
import io.descent.train.JobConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options every cluster node shares: the job ({@link JobArguments}: preset or file, overrides, seed), the data-plane
 * address, cluster setting overrides, the cluster key file, the control plane's TLS directory and the local launcher's
 * hidden options. A picocli mixin. The cluster key itself is
 * never accepted on the command line (anyone who can list processes would see it): it comes from
 * {@code --cluster-key-file}, else {@code DESCENT_CLUSTER_KEY}, else {@code descent.cluster.key} in a config file.
 */
public final class NodeOptions
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeOptions.class);

    @Mixin
    JobArguments jobArguments;

    @Option(names = "--aeron", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
        description = "data-plane (Aeron UDP) address other nodes reach this one at; port 0 picks a free port; " +
            "'ipc' for Aeron IPC through a media driver shared on this host (default: ${DEFAULT-VALUE})")
    String aeron;

    @Option(names = "--cluster", paramLabel = "KEY=VALUE",
        description = "override a descent.cluster setting, e.g. step-timeout=30s or registration-timeout=20s")
    List<String> cluster = new ArrayList<>();

    @Option(names = "--cluster-key-file", paramLabel = "FILE",
        description = "file holding the cluster's shared key (at least 16 bytes; every node of the job needs the " +
            "same); wins over the DESCENT_CLUSTER_KEY environment variable and descent.cluster.key")
    Path clusterKeyFile;

    @Option(names = "--tls-dir", paramLabel = "DIR",
        description = "mutual TLS on the control plane (Akka): DIR holds ca.crt, tls.crt and tls.key (PEM; the " +
            "layout of a cert-manager Secret and of 'descent certs create'); every node of the job needs a " +
            "certificate of the same CA (default: descent.cluster.tls.dir; empty = plain TCP)")
    Path tlsDir;

    @Option(names = "--exit-with-parent", hidden = true, description = "exit when the launching process exits")
    boolean exitWithParent;

    /** @return the validated job. */
    JobConfig job()
    {
        return jobArguments.job();
    }

    /**
     * @param workers the worker count to set, or 0 to keep the configured one.
     * @return validated cluster settings from {@link #root}, with the key of {@code --cluster-key-file} if given.
     */
    ClusterSettings settings(final int workers)
    {
        final ClusterSettings settings = ClusterSettings.from(root(workers));
        if (null != clusterKeyFile)
        {
            return settings.withKey(ClusterKey.readFile(clusterKeyFile, "--cluster-key-file"));
        }
        if (settings.key().present() && null != System.getProperty(ClusterSettings.PATH + ".key") &&
            settings.key().source().startsWith(ClusterSettings.PATH))
        {
            LOG.warn("the cluster key comes from the system property -D{}.key, which anyone who can list processes " +
                "can read; use --cluster-key-file FILE or the environment variable {}", ClusterSettings.PATH,
                ClusterKey.ENV);
        }
        return settings;
    }

    /**
     * @param workers the worker count to set, or 0 to keep the configured one.
     * @return the configuration root: {@code --cluster} overrides, {@code --workers} and {@code --aeron} over system
     *         properties, application.conf and the defaults.
     */
    Config root(final int workers)
    {
        Config overrides = ConfigFactory.parseString("descent.cluster.data-plane.bind = \"" + aeron + "\"");
        if (null != tlsDir)
        {
            new TlsFiles(tlsDir).check("--tls-dir");
            overrides = overrides.withValue("descent.cluster.tls.dir",
                ConfigValueFactory.fromAnyRef(tlsDir.toAbsolutePath().toString()));
        }
        if (workers > 0)
        {
            overrides = ConfigFactory.parseString("descent.cluster.workers = " + workers).withFallback(overrides);
        }
        overrides = ClusterOverrides.apply(cluster, overrides);
        return overrides.withFallback(ConfigFactory.load());
    }

    /** Makes this JVM exit when its parent does (local launcher), so no child outlives a killed launcher. */
    void watchParent()
    {
        if (exitWithParent)
        {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime()
                .halt(1)));
        }
    }
}
