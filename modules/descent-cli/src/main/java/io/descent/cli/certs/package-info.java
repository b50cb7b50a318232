/** {@code descent certs}: the control plane's TLS material (a CA and node certificates) for {@code --tls-dir}. */
package io.descent.cli.certs;
