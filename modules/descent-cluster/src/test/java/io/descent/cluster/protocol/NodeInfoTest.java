package io.descent.cluster.protocol;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class NodeInfoTest
{
    @Test
    void shouldReadTheAllowedCpuListOfAStatusText()
    {
        assertEquals("0-1", NodeInfo.allowedCpus(List.of("Name:\tjava", "Cpus_allowed:\t3", "Cpus_allowed_list:\t0-1",
            "Mems_allowed_list:\t0")));
        assertEquals("0,2,4-7", NodeInfo.allowedCpus(List.of("Cpus_allowed_list:   0,2,4-7  ")));
        assertEquals("", NodeInfo.allowedCpus(List.of("Name:\tjava")));
    }

    @Test
    void shouldReportTheCpusOfThisProcessWhereLinuxListsThem()
    {
        if (Files.isReadable(Path.of("/proc/self/status")))
        {
            assertFalse(NodeInfo.cpus().isEmpty());
        }
        else
        {
            assertEquals("", NodeInfo.cpus());
        }
    }
}
