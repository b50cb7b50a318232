package io.descent.cluster.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.descent.pki.TlsFiles;

import java.util.List;

/**
 * The Akka settings that put a node's Artery remoting on mutual TLS: transport {@code tls-tcp}, TLSv1.3 only, and
 * Akka 2.6's {@code RotatingKeysSSLEngineProvider} reading {@code ca.crt}, {@code tls.crt} and {@code tls.key} from
 * the node's TLS directory (again every {@link #RELOAD}, so rotated files are picked up). That provider always
 * demands a client certificate on inbound connections and, after each handshake, refuses a peer whose certificate
 * shares no subject name (CN or DNS name) with this node's. Stateless.
 */
public final class ArteryTls
{
    /** The only protocol offered. */
    public static final String PROTOCOL = "TLSv1.3";
    /** TLSv1.3's AEAD suites Java offers, strongest first. */
    public static final List<String> CIPHER_SUITES = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");
    /** How long Akka keeps a TLS context before reading the files again. */
    public static final String RELOAD = "5m";

    private static final String ENGINE = "akka.remote.artery.ssl.rotating-keys-engine";

    private ArteryTls()
    {
    }

    /**
     * @param files the node's checked TLS directory.
     * @return the settings to lay over descent-node.conf.
     */
    public static Config config(final TlsFiles files)
    {
        return ConfigFactory.empty()
            .withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
            .withValue("akka.remote.artery.ssl.ssl-engine-provider",
                ConfigValueFactory.fromAnyRef(TlsEngineProvider.class.getName()))
            .withValue(ENGINE + ".key-file", path(files.key()))
            .withValue(ENGINE + ".cert-file", path(files.certificate()))
            .withValue(ENGINE + ".ca-cert-file", path(files.ca()))
            .withValue(ENGINE + ".protocol", ConfigValueFactory.fromAnyRef(PROTOCOL))
            .withValue(ENGINE + ".enabled-algorithms", ConfigValueFactory.fromIterable(CIPHER_SUITES))
            // The provider demands client certificates regardless; said here so the configuration reads true.
            .withValue(ENGINE + ".require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
            .withValue(ENGINE + ".ssl-context-cache-ttl", ConfigValueFactory.fromAnyRef(RELOAD));
    }

    private static com.typesafe.config.ConfigValue path(final java.nio.file.Path file)
    {
        return ConfigValueFactory.fromAnyRef(file.toAbsolutePath().toString());
    }
}
