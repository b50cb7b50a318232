package io.descent.cli.model;

import picocli.CommandLine.Command;

/** {@code descent model}: operations on model artifacts. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Model artifacts: make one from a checkpoint.",
    subcommands = { FromCheckpointCommand.class })
public final class ModelCommand
{
}
