package io.descent.cli;

import io.descent.cluster.local.JavaCommand;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Child JVMs (local clusters, benchmarks) start the {@code descent} command by its class name: keep it true. */
class MainClassTest
{
    @Test
    void shouldStartChildJvmsWithTheDescentCommand()
    {
        assertEquals(DescentCli.class.getName(), JavaCommand.MAIN_CLASS);
    }
}
