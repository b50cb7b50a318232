package io.descent.bench.scale;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ScaleSettingsTest
{
    @Test
    void shouldLowerBackupWorkersBelowTheRunsWorkerCount()
    {
        final ScaleSettings backup = new ScaleSettings(1, "backup", null, List.of(), "backup");
        assertEquals(List.of("--cluster", "consistency=backup", "--cluster", "backup-workers=0"),
            backup.forWorkers(1).clusterArgs(), "the nodes' default b = 1 leaves no gradient for 1 worker");
        assertSame(backup, backup.forWorkers(2), "b = 1 < 2 workers: as given");
        final ScaleSettings three = new ScaleSettings(1, "backup", null, List.of("backup-workers=3"), "backup");
        assertEquals(List.of("--cluster", "consistency=backup", "--cluster", "backup-workers=3", "--cluster",
            "backup-workers=1"), three.forWorkers(2).clusterArgs(), "the lowered value comes last, and wins");
        assertSame(three, three.forWorkers(4));
        final ScaleSettings sync = new ScaleSettings(1, "sync", null, List.of(), "");
        assertSame(sync, sync.forWorkers(1));
    }
}
