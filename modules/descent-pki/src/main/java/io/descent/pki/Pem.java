package io.descent.pki;

import io.descent.nn.error.BadInputException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * PEM text of certificates and private keys, both ways. Keys are written as unencrypted PKCS#8 ({@code PRIVATE
 * KEY}); PKCS#1 ({@code RSA PRIVATE KEY}) and PKCS#8 are read, as Akka's PEM loader does. Stateless, thread-safe.
 */
public final class Pem
{
    private Pem()
    {
    }

    /** @return {@code certificate} as a PEM block. */
    public static String of(final X509Certificate certificate)
    {
        return write(certificate);
    }

    /** @return {@code key} as an unencrypted PKCS#8 PEM block. */
    public static String of(final PrivateKey key)
    {
        try
        {
            return write(new JcaPKCS8Generator(key, null).generate());
        }
        catch (final org.bouncycastle.util.io.pem.PemGenerationException ex)
        {
            throw new IllegalStateException("encoding a " + key.getAlgorithm() + " private key as PKCS#8", ex);
        }
    }

    /**
     * Reads the first certificate of a PEM file.
     *
     * @param file  the file.
     * @param where what names it for the user (an option, a setting).
     * @return the certificate.
     * @throws BadInputException when it is missing or holds no PEM certificate.
     */
    public static X509Certificate certificate(final Path file, final String where)
    {
        final Object first = read(file, where);
        if (!(first instanceof X509CertificateHolder holder))
        {
            throw new BadInputException(where + ": " + file + " holds no PEM certificate (BEGIN CERTIFICATE); " +
                "write it with 'descent certs create' or take it from a cert-manager Secret");
        }
        try
        {
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
        catch (final CertificateException ex)
        {
            throw new BadInputException(where + ": " + file + " holds a certificate Java cannot read: " +
                ex.getMessage());
        }
    }

    /**
     * Reads the private key of a PEM file, PKCS#1 or unencrypted PKCS#8.
     *
     * @param file  the file.
     * @param where what names it for the user.
     * @return the key.
     * @throws BadInputException when it is missing, encrypted or holds no key.
     */
    public static PrivateKey privateKey(final Path file, final String where)
    {
        final Object first = read(file, where);
        try
        {
            if (first instanceof PEMKeyPair pair)
            {
                return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (first instanceof PrivateKeyInfo info)
            {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
        }
        catch (final IOException ex)
        {
            throw new BadInputException(where + ": " + file + " holds a private key Java cannot read: " +
                ex.getMessage());
        }
        throw new BadInputException(where + ": " + file + " holds no unencrypted private key (BEGIN PRIVATE KEY " +
            "or BEGIN RSA PRIVATE KEY)" + (null == first ? "" : ", but a " + first.getClass().getSimpleName()) +
            "; Akka reads PKCS#1 or unencrypted PKCS#8 RSA keys");
    }

    private static Object read(final Path file, final String where)
    {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
            PEMParser parser = new PEMParser(reader))
        {
            return parser.readObject();
        }
        catch (final NoSuchFileException ex)
        {
            throw new BadInputException(where + ": " + file + " does not exist");
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new BadInputException(where + ": cannot read " + file + " as PEM: " + ex.getMessage());
        }
    }

    private static String write(final Object object)
    {
        final StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text))
        {
            writer.writeObject(object);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("encoding PEM in memory", ex);
        }
        return text.toString();
    }
}
