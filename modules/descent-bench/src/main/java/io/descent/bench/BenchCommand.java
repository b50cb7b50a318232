package io.descent.bench;

import io.descent.bench.model.ModelBenchCommand;
import io.descent.bench.scale.CeilingLoopCommand;
import io.descent.bench.scale.ScaleBenchCommand;
import io.descent.bench.soak.SoakBenchCommand;
import io.descent.bench.transport.TransportBenchCommand;
import io.descent.bench.transport.UdpPairCommand;
import picocli.CommandLine.Command;

/** {@code descent bench}: benchmarks that report ratios measured in the same run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print ratios measured in the same run (this machine is shared and noisy).",
    subcommands = { ComputeBenchCommand.class, TransportBenchCommand.class, ScaleBenchCommand.class,
        CeilingLoopCommand.class, UdpPairCommand.class, SoakBenchCommand.class, ModelBenchCommand.class })
public final class BenchCommand
{
}
