package io.descent.cli.data;

import picocli.CommandLine.Command;

/** {@code descent data}: write, generate and inspect binary shard sets that training streams from disk. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Binary shard sets: training memory-maps them, so a dataset larger than memory trains " +
        "(data.source = shards, data.shards.dir = DIR).",
    subcommands = { ShardCommand.class, GenerateCommand.class, InspectCommand.class })
public final class DataCommand
{
}
