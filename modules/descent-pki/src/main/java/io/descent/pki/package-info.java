/**
 * The control plane's TLS material: a certificate authority, node certificates and their RSA keys as PEM files in the
 * layout of a cert-manager Secret ({@code ca.crt}, {@code tls.crt}, {@code tls.key}), made with BouncyCastle, and the
 * check of such a directory before Akka reads it. Written for Akka 2.6's {@code RotatingKeysSSLEngineProvider}: RSA
 * keys (PKCS#8 written, PKCS#1 or unencrypted PKCS#8 read), node certificates issued directly by a root CA, and one
 * subject name shared by every node of a cluster (its peer-subject check). Depends on descent-nn for its error type.
 */
package io.descent.pki;
