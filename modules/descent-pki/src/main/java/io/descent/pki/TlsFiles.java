package io.descent.pki;

import io.descent.nn.error.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A node's TLS directory in the layout of a cert-manager (kubernetes.io/tls) Secret: {@code ca.crt} (the CA every
 * peer's certificate must be signed by), {@code tls.crt} (this node's certificate) and {@code tls.key} (its private
 * key), all PEM. Immutable.
 *
 * @param dir the directory.
 */
public record TlsFiles(Path dir)
{
    /** The CA's certificate. */
    public static final String CA = "ca.crt";
    /** The node's certificate. */
    public static final String CERT = "tls.crt";
    /** The node's private key. */
    public static final String KEY = "tls.key";

    /** @return the CA certificate's path. */
    public Path ca()
    {
        return dir.resolve(CA);
    }

    /** @return the node certificate's path. */
    public Path certificate()
    {
        return dir.resolve(CERT);
    }

    /** @return the node key's path. */
    public Path key()
    {
        return dir.resolve(KEY);
    }

    /**
     * Checks the directory as Akka's {@code RotatingKeysSSLEngineProvider} will read it, so that a mistake is one line
     * at start instead of refused connections later: the three files exist and parse, the key is RSA (PKCS#1 or
     * unencrypted PKCS#8) and belongs to the certificate, the certificate is signed by {@code ca.crt} itself (no
     * intermediate) and valid now.
     *
     * @param where what set the directory, for the error (e.g. {@code --tls-dir}).
     * @return what the certificate says, for the log.
     * @throws BadInputException naming the file and what is wrong with it.
     */
    public Identity check(final String where)
    {
        if (!Files.isDirectory(dir))
        {
            throw new BadInputException(where + " " + dir + " is not a directory; it must hold " + CA + ", " + CERT +
                " and " + KEY + " (make them with 'descent certs create')");
        }
        final List<String> missing = new ArrayList<>();
        for (final Path file : List.of(ca(), certificate(), key()))
        {
            if (!Files.isReadable(file))
            {
                missing.add(file.getFileName().toString());
            }
        }
        if (!missing.isEmpty())
        {
            throw new BadInputException(where + " " + dir + " lacks " + String.join(", ", missing) + " (or cannot " +
                "read it); it must hold " + CA + ", " + CERT + " and " + KEY + " (make them with 'descent certs " +
                "create', or mount a cert-manager Secret)");
        }
        final String context = where + " " + dir;
        final X509Certificate ca = Pem.certificate(ca(), context);
        final X509Certificate certificate = Pem.certificate(certificate(), context);
        final PrivateKey key = Pem.privateKey(key(), context);
        if (!"RSA".equals(key.getAlgorithm()))
        {
            throw new BadInputException(context + ": " + KEY + " is a " + key.getAlgorithm() + " key; Akka's TLS " +
                "reads RSA keys only (cert-manager: privateKey.algorithm: RSA)");
        }
        if (!matches(key, certificate))
        {
            throw new BadInputException(context + ": " + KEY + " is not the key of " + CERT + "; write both from " +
                "the same issue");
        }
        try
        {
            certificate.verify(ca.getPublicKey());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new BadInputException(context + ": " + CERT + " (" + certificate.getSubjectX500Principal() +
                ", issuer " + certificate.getIssuerX500Principal() + ") is not signed by " + CA + " (" +
                ca.getSubjectX500Principal() + "); Akka needs a node certificate issued directly by the CA it trusts");
        }
        try
        {
            certificate.checkValidity();
        }
        catch (final CertificateExpiredException | CertificateNotYetValidException ex)
        {
            throw new BadInputException(context + ": " + CERT + " is valid from " + certificate.getNotBefore() +
                " to " + certificate.getNotAfter() + ", not now; issue a new one");
        }
        return new Identity(subjectNames(certificate), certificate.getNotAfter().toInstant(),
            ca.getSubjectX500Principal().getName());
    }

    /**
     * What a node certificate says.
     *
     * @param names    its subject names (CN and DNS alternative names): Akka accepts a peer sharing one of them.
     * @param notAfter when it expires.
     * @param ca       the CA's subject.
     */
    public record Identity(List<String> names, java.time.Instant notAfter, String ca)
    {
    }

    /** @return true when {@code key} is the private key of {@code certificate}'s RSA public key. */
    static boolean matches(final PrivateKey key, final X509Certificate certificate)
    {
        final PublicKey pub = certificate.getPublicKey();
        if (key instanceof RSAPrivateCrtKey rsa && pub instanceof RSAPublicKey rsaPub)
        {
            return rsa.getModulus().equals(rsaPub.getModulus()) &&
                rsa.getPublicExponent().equals(rsaPub.getPublicExponent());
        }
        return key.getAlgorithm().equals(pub.getAlgorithm());
    }

    /** @return the CN and the DNS subject alternative names, as Akka's peer-subject check reads them. */
    static List<String> subjectNames(final X509Certificate certificate)
    {
        final java.util.Set<String> names = new java.util.LinkedHashSet<>();
        try
        {
            for (final javax.naming.ldap.Rdn rdn :
                new javax.naming.ldap.LdapName(certificate.getSubjectX500Principal().getName()).getRdns())
            {
                if (rdn.getType().equalsIgnoreCase("CN"))
                {
                    names.add(rdn.getValue().toString());
                }
            }
            final Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (null != alternatives)
            {
                for (final List<?> alternative : alternatives)
                {
                    if (Integer.valueOf(2).equals(alternative.get(0)))
                    {
                        names.add(alternative.get(1).toString());
                    }
                }
            }
        }
        catch (final javax.naming.InvalidNameException | CertificateParsingException ex)
        {
            throw new BadInputException("cannot read the subject names of " + certificate.getSubjectX500Principal() +
                ": " + ex.getMessage());
        }
        return List.copyOf(names);
    }
}
