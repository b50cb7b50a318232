package io.descent.pki;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CA, node certificates and the TLS-directory check, as Akka's RotatingKeysSSLEngineProvider will read them. */
class CertificateAuthorityTest
{
    private static CertificateAuthority ca;
    private static CertificateAuthority other;
    /** Node credentials made once: RSA key generation is what costs here. */
    private static NodeCredentials nodeN;
    private static NodeCredentials nodeM;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCas()
    {
        ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
        other = CertificateAuthority.create("other-ca", Duration.ofDays(1));
        nodeN = ca.issue("n", "c", Duration.ofDays(1));
        nodeM = ca.issue("m", "c", Duration.ofDays(1));
    }

    @Test
    void shouldWriteANodeDirectoryThatPassesTheCheckWithNodeAndClusterNames() throws Exception
    {
        final TlsFiles files = ca.issue("worker-0", "job-a", Duration.ofDays(1)).writeTo(dir.resolve("w0"), false);
        final TlsFiles.Identity identity = files.check("--tls-dir");
        assertEquals(List.of("worker-0", "job-a"), identity.names());
        for (final Path file : List.of(files.ca(), files.certificate(), files.key()))
        {
            assertEquals(PrivateFiles.FILE, Files.getPosixFilePermissions(file), file.toString());
        }
        assertEquals(PrivateFiles.DIRECTORY, Files.getPosixFilePermissions(files.dir()));
        assertTrue(Files.readString(files.key()).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
        assertTrue(nodeN.certificate().getExtendedKeyUsage()
            .containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")), "server and client auth");
        try (var left = Files.list(files.dir()))
        {
            assertEquals(3, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void shouldRefuseToReplaceANodeKeyUnlessForced() throws Exception
    {
        final Path node = dir.resolve("ps");
        nodeN.writeTo(node, false);
        final String before = Files.readString(node.resolve(TlsFiles.KEY));
        final BadInputException refused = assertThrows(BadInputException.class, () -> nodeM.writeTo(node, false));
        assertTrue(refused.getMessage().contains("refusing to replace"), refused.getMessage());
        assertEquals(before, Files.readString(node.resolve(TlsFiles.KEY)));
        nodeM.writeTo(node, true);
        assertFalse(before.equals(Files.readString(node.resolve(TlsFiles.KEY))));
    }

    @Test
    void shouldSaveAndLoadTheCaAndRefuseToReplaceItsKey()
    {
        final Path caDir = dir.resolve("ca");
        ca.writeTo(caDir);
        final CertificateAuthority loaded = CertificateAuthority.load(caDir);
        assertEquals(ca.certificate(), loaded.certificate());
        final TlsFiles files = loaded.issue("n", "c", Duration.ofDays(1)).writeTo(dir.resolve("n"), false);
        files.check("--tls-dir");
        assertThrows(BadInputException.class, () -> other.writeTo(caDir));
    }

    @Test
    void shouldNameTheMissingFilesOfATlsDirectory() throws Exception
    {
        final TlsFiles files = nodeN.writeTo(dir.resolve("n"), false);
        Files.delete(files.key());
        final BadInputException missing = assertThrows(BadInputException.class, () -> files.check("--tls-dir"));
        assertTrue(missing.getMessage().startsWith("--tls-dir " + files.dir() + " lacks tls.key"),
            missing.getMessage());
        assertFalse(missing.getMessage().contains("\n"));
        final BadInputException notDir = assertThrows(BadInputException.class,
            () -> new TlsFiles(dir.resolve("absent")).check("--tls-dir"));
        assertTrue(notDir.getMessage().contains("is not a directory"), notDir.getMessage());
    }

    @Test
    void shouldRefuseACertificateOfAnotherCa() throws Exception
    {
        final TlsFiles files = nodeN.writeTo(dir.resolve("n"), false);
        PrivateFiles.write(files.ca(), Pem.of(other.certificate()));
        final BadInputException wrong = assertThrows(BadInputException.class, () -> files.check("--tls-dir"));
        assertTrue(wrong.getMessage().contains("is not signed by ca.crt"), wrong.getMessage());
    }

    @Test
    void shouldRefuseAKeyOfAnotherCertificateAndANonRsaKey() throws Exception
    {
        final TlsFiles files = nodeN.writeTo(dir.resolve("n"), false);
        final TlsFiles second = nodeM.writeTo(dir.resolve("m"), false);
        Files.copy(second.key(), files.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final BadInputException mismatch = assertThrows(BadInputException.class, () -> files.check("--tls-dir"));
        assertTrue(mismatch.getMessage().contains("tls.key is not the key of tls.crt"), mismatch.getMessage());

        final KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        PrivateFiles.write(files.key(), Pem.of(ec.generateKeyPair().getPrivate()));
        final BadInputException notRsa = assertThrows(BadInputException.class, () -> files.check("--tls-dir"));
        assertTrue(notRsa.getMessage().contains("RSA keys only"), notRsa.getMessage());
    }

    @Test
    void shouldReadAPkcs1Key() throws Exception
    {
        final NodeCredentials node = nodeN;
        final TlsFiles files = node.writeTo(dir.resolve("n"), false);
        final var writer = new java.io.StringWriter();
        try (var pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(writer))
        {
            // JcaPEMWriter writes an RSA private key as PKCS#1 (BEGIN RSA PRIVATE KEY), as openssl genrsa used to.
            pem.writeObject(node.key());
        }
        assertTrue(writer.toString().startsWith("-----BEGIN RSA PRIVATE KEY-----"), writer.toString());
        PrivateFiles.write(files.key(), writer.toString());
        assertEquals(List.of("n", "c"), files.check("--tls-dir").names());
    }

    @Test
    void shouldRefuseNamesThatAreNotDnsNames()
    {
        for (final String bad : List.of("Worker-0", "a b", "-x", "", "x_y"))
        {
            assertThrows(BadInputException.class, () -> ca.issue(bad, "c", Duration.ofDays(1)), bad);
        }
    }
}
