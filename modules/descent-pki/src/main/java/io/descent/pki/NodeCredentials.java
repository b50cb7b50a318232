package io.descent.pki;

import io.descent.nn.error.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A node's TLS material: its private key, its certificate and the certificate of the CA that issued it (the one its
 * peers must be signed by). Immutable.
 *
 * @param key         the node's RSA private key.
 * @param certificate its certificate.
 * @param ca          the issuing CA's certificate.
 */
public record NodeCredentials(PrivateKey key, X509Certificate certificate, X509Certificate ca)
{
    /**
     * Writes {@code ca.crt}, {@code tls.crt} and {@code tls.key} to {@code dir} (created 0700 if missing), each file
     * 0600 and atomically, the key last, so a directory with a key is complete.
     *
     * @param dir       the node's TLS directory.
     * @param overwrite replace an existing key; without it an existing {@code tls.key} is an error.
     * @return the files written.
     * @throws BadInputException when {@code dir} holds a key and {@code overwrite} is false.
     */
    public TlsFiles writeTo(final Path dir, final boolean overwrite)
    {
        final TlsFiles files = new TlsFiles(dir);
        if (!overwrite && Files.exists(files.key()))
        {
            throw new BadInputException(files.key() + " exists: refusing to replace a node key; remove it, or " +
                "pass --force to replace it");
        }
        PrivateFiles.directory(dir);
        PrivateFiles.write(files.ca(), Pem.of(ca));
        PrivateFiles.write(files.certificate(), Pem.of(certificate));
        PrivateFiles.write(files.key(), Pem.of(key));
        return files;
    }
}
