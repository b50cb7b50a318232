package io.descent.cli.model;

import picocli.CommandLine.Command;

/** {@code descent export}: writes a saved model in another format; the formats are subcommands. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Export a saved model to another format.",
    subcommands = { OnnxExportCommand.class })
public final class ExportCommand
{
}
