package io.descent.cli.certs;

import picocli.CommandLine.Command;

/** {@code descent certs}: make the certificates of mutual TLS on the control plane. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description = "Make the certificates of mutual TLS on the control plane (--tls-dir).",
    subcommands = CreateCommand.class)
public final class CertsCommand
{
}
