package io.descent.cli.bench;

import io.descent.cli.bench.transport.TransportBenchCommand;
import io.descent.cli.bench.scale.CeilingLoopCommand;
import io.descent.cli.bench.scale.ScaleBenchCommand;
import picocli.CommandLine.Command;

/** {@code descent bench}: benchmarks that report ratios measured in the same run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print ratios measured in the same run (this machine is shared and noisy).",
    subcommands = { ComputeBenchCommand.class, TransportBenchCommand.class, ScaleBenchCommand.class,
        CeilingLoopCommand.class })
public final class BenchCommand
{
}
