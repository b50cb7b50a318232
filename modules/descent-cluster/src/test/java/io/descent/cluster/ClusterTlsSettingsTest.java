package io.descent.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import io.descent.pki.CertificateAuthority;
import io.descent.pki.TlsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code descent.cluster.tls.dir}: plain TCP when empty, a checked TLS directory otherwise. */
class ClusterTlsSettingsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunThePlainControlPlaneByDefault()
    {
        final ClusterSettings settings = ClusterSettings.from(ConfigFactory.empty(), Map.of());
        assertTrue(settings.tls().isEmpty());
        assertEquals(ControlPlaneSecurity.NONE, settings.controlPlane());
        assertEquals("none", settings.controlPlane().label());
    }

    @Test
    void shouldTakeACompleteTlsDirectoryAndKeepItThroughCopies()
    {
        final Path node = dir.resolve("ps");
        CertificateAuthority.create("ca", Duration.ofDays(1)).issue("ps", "job", Duration.ofDays(1))
            .writeTo(node, false);
        final ClusterSettings settings = ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.tls.dir = \"" + node + "\""), Map.of());
        assertEquals(new TlsFiles(node), settings.tls().orElseThrow());
        assertEquals("mutual-tls", settings.controlPlane().label());
        assertEquals(ControlPlaneSecurity.MUTUAL_TLS, settings.withWorkers(3).controlPlane());
    }

    @Test
    void shouldRejectADirectoryLackingTheFilesInOneLineNamingTheSetting() throws Exception
    {
        Files.writeString(dir.resolve(TlsFiles.CA), "not pem");
        final BadInputException problem = assertThrows(BadInputException.class, () -> ClusterSettings.from(
            ConfigFactory.parseString("descent.cluster.tls.dir = \"" + dir + "\""), Map.of()));
        assertTrue(problem.getMessage().startsWith("descent.cluster.tls.dir " + dir + " lacks tls.crt, tls.key"),
            problem.getMessage());
        assertFalse(problem.getMessage().contains("\n"), problem.getMessage());
    }
}
