package io.descent.pki;

import io.descent.nn.error.BadInputException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A root certificate authority that issues the node certificates of a cluster: RSA 2048 keys, SHA256withRSA
 * signatures, node certificates signed directly by the root (Akka's {@code RotatingKeysSSLEngineProvider} takes no
 * intermediate). Each node certificate names its node (CN and a DNS subject alternative name) and the cluster (a
 * second DNS name): Akka accepts a peer only when the two certificates share a subject name, so nodes of one cluster
 * meet on the cluster name and nodes of another cluster under the same CA are refused. Immutable; {@link #issue} is
 * thread-safe.
 *
 * @param key         the CA's private key.
 * @param certificate its self-signed certificate.
 */
public record CertificateAuthority(PrivateKey key, X509Certificate certificate)
{
    /** The CA's certificate in a CA directory (and in every node directory, for the nodes to trust). */
    public static final String CERT_FILE = TlsFiles.CA;
    /** The CA's private key in a CA directory; never copied into a node directory. */
    public static final String KEY_FILE = "ca.key";
    /** The cluster name node certificates carry when none is given. */
    public static final String DEFAULT_CLUSTER = "descent";

    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?" +
        "(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Clock skew between hosts a fresh certificate tolerates. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    /**
     * Makes a new CA.
     *
     * @param name     its common name.
     * @param validity how long its certificate is valid.
     * @return the CA.
     */
    public static CertificateAuthority create(final String name, final Duration validity)
    {
        final KeyPair pair = rsaKeyPair();
        final X500Name subject = subject(name);
        try
        {
            final JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder builder = builder(subject, subject, pair.getPublic(), validity)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(pair.getPrivate(), sign(builder, pair.getPrivate()));
        }
        catch (final GeneralSecurityException | CertIOException ex)
        {
            throw new IllegalStateException("building the certificate of CA " + name, ex);
        }
    }

    /**
     * Reads a CA from a directory written by {@link #writeTo}.
     *
     * @param dir the CA directory.
     * @return the CA.
     * @throws BadInputException when a file is missing or unreadable, or the key does not match the certificate.
     */
    public static CertificateAuthority load(final Path dir)
    {
        final String where = "--ca " + dir;
        final CertificateAuthority ca = new CertificateAuthority(Pem.privateKey(dir.resolve(KEY_FILE), where),
            Pem.certificate(dir.resolve(CERT_FILE), where));
        if (!TlsFiles.matches(ca.key, ca.certificate))
        {
            throw new BadInputException(where + ": " + KEY_FILE + " is not the key of " + CERT_FILE + "; restore " +
                "the pair or use a new CA directory");
        }
        return ca;
    }

    /** @return true when {@code dir} holds a CA key (its certificate may still be missing). */
    public static boolean existsIn(final Path dir)
    {
        return Files.exists(dir.resolve(KEY_FILE));
    }

    /**
     * Writes {@code ca.crt} and {@code ca.key} (0600, atomically) to {@code dir}, created 0700 if missing.
     *
     * @param dir the CA directory; it must hold no CA key yet.
     */
    public void writeTo(final Path dir)
    {
        PrivateFiles.directory(dir);
        if (existsIn(dir))
        {
            throw new BadInputException(dir.resolve(KEY_FILE) + " exists: refusing to replace a CA key");
        }
        PrivateFiles.write(dir.resolve(CERT_FILE), Pem.of(certificate));
        PrivateFiles.write(dir.resolve(KEY_FILE), Pem.of(key));
    }

    /**
     * Issues a node certificate and key, for TLS server and client use (every Akka node is both).
     *
     * @param node     the node's name: its CN and first DNS name (lower-case DNS name, e.g. {@code worker-0}).
     * @param cluster  the name every node of the cluster shares (a second DNS name).
     * @param validity how long the certificate is valid.
     * @return the node's key, certificate and this CA's certificate.
     * @throws BadInputException when a name is not a DNS name.
     */
    public NodeCredentials issue(final String node, final String cluster, final Duration validity)
    {
        checkName(node, "node name");
        checkName(cluster, "cluster name");
        final KeyPair pair = rsaKeyPair();
        final Set<String> names = new LinkedHashSet<>(List.of(node, cluster));
        final GeneralName[] alternatives = names.stream()
            .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new);
        try
        {
            final JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder builder = builder(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), subject(node),
                pair.getPublic(), validity)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives))
                .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(certificate));
            return new NodeCredentials(pair.getPrivate(), sign(builder, key), certificate);
        }
        catch (final GeneralSecurityException | CertIOException ex)
        {
            throw new IllegalStateException("issuing the certificate of node " + node, ex);
        }
    }

    /**
     * @param name a node or cluster name.
     * @param what what it is, for the error.
     * @throws BadInputException unless it is a lower-case DNS name.
     */
    public static void checkName(final String name, final String what)
    {
        if (null == name || name.length() > 253 || !DNS_NAME.matcher(name).matches())
        {
            throw new BadInputException(what + " '" + name + "' must be a lower-case DNS name (letters, digits, " +
                "'-' and '.'), e.g. worker-0; it goes into the certificate as CN and DNS name");
        }
    }

    private static X509v3CertificateBuilder builder(
        final X500Name issuer, final X500Name subject, final PublicKey key, final Duration validity)
    {
        final Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
            Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey signer)
        throws GeneralSecurityException
    {
        try
        {
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
        }
        catch (final OperatorCreationException ex)
        {
            throw new GeneralSecurityException("creating a SHA256withRSA signer", ex);
        }
    }

    private static X500Name subject(final String commonName)
    {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair rsaKeyPair()
    {
        try
        {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("this JVM cannot generate RSA keys", ex);
        }
    }
}
