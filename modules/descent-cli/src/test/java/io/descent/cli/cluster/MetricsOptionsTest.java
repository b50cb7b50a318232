package io.descent.cli.cluster;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsOptionsTest
{
    @Test
    void shouldDefaultThePortOptionToWhatKubernetesProbes()
    {
        final MetricsOptions defaults = new MetricsOptions();
        new CommandLine(defaults).parseArgs();
        assertEquals(9404, defaults.port());

        final MetricsOptions set = new MetricsOptions();
        new CommandLine(set).parseArgs("--metrics-port", "0");
        assertEquals(0, set.port());
    }
}
