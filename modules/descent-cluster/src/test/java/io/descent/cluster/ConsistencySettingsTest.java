package io.descent.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent.cluster.consistency}, {@code backup-workers}, {@code staleness} and {@code pipeline}: sync by default,
 * backup with its b, ssp with its staleness, async, ssp and async pipelined only when told (one server),
 * each bad value refused in one line naming the key.
 */
class ConsistencySettingsTest
{
    @Test
    void shouldBeSyncByDefault()
    {
        final Consistency consistency = settings("").consistency();
        assertEquals(Consistency.SYNC, consistency);
        assertEquals("sync", consistency.label());
    }

    @Test
    void shouldReadBackupWithItsBackupWorkers()
    {
        final Consistency consistency = settings("consistency = backup, backup-workers = 2").consistency();
        assertEquals(new Consistency(Consistency.Mode.BACKUP, 2, 0), consistency);
        assertEquals("backup (backup-workers = 2)", consistency.label());
        assertEquals(consistency, consistency.checkWorkers(3));
        assertEquals(Consistency.SYNC, settings("backup-workers = 5").consistency(), "b only counts under backup");
    }

    @Test
    void shouldRefuseBadValuesInOneLineNamingTheKey()
    {
        assertRefused("consistency = eventual", "descent.cluster.consistency = 'eventual' is not a consistency " +
            "model; allowed: sync, backup, ssp, async");
        assertRefused("consistency = backup, backup-workers = -1", "descent.cluster.backup-workers = -1 is out of " +
            "range; allowed: 0 or more");
        assertRefused("staleness = two", "descent.cluster.staleness must be an integer");
        final String tooMany = assertThrows(BadInputException.class, () ->
            settings("consistency = backup, backup-workers = 2").consistency().checkWorkers(2)).getMessage();
        assertTrue(tooMany.startsWith("descent.cluster.backup-workers = 2 must be below the 2 workers (0..1)"),
            tooMany);
    }

    @Test
    void shouldReadSspWithItsStalenessAndAsyncWithoutOne()
    {
        assertEquals(new Consistency(Consistency.Mode.SSP, 0, 3),
            settings("consistency = ssp, staleness = 3, backup-workers = 1").consistency());
        assertEquals("ssp (staleness = 3)", settings("consistency = ssp, staleness = 3").consistency().label());
        assertEquals(new Consistency(Consistency.Mode.ASYNC, 0, 0),
            settings("consistency = async, staleness = 3").consistency());
    }

    @Test
    void shouldPipelineSspAndAsyncOnlyWhenToldTo()
    {
        final Consistency off = settings("consistency = ssp").consistency();
        assertEquals(Consistency.Pipeline.OFF, off.pipeline());
        assertEquals(1, off.window(1), "off by default");
        assertEquals("ssp (staleness = 2)", off.label());
        final Consistency on = settings("consistency = ssp, staleness = 1, pipeline = on").consistency();
        assertEquals(2, on.window(1));
        assertEquals("ssp (staleness = 1, pipeline = on)", on.label(), "nodes must agree on it");
        assertEquals(2, settings("consistency = async, pipeline = on").consistency().window(1));
        assertEquals("async (pipeline = on)", settings("consistency = async, pipeline = on").consistency().label());
        assertEquals(1, settings("consistency = sync, pipeline = on").consistency().window(1), "sync ignores it");
        assertEquals(Consistency.SYNC, settings("pipeline = on").consistency());
    }

    @Test
    void shouldRefuseABadPipelineAndPipelineOnWithShards()
    {
        assertRefused("consistency = ssp, pipeline = yes", "descent.cluster.pipeline = 'yes' is not a pipeline " +
            "setting; allowed: off, on");
        assertRefused("consistency = ssp, pipeline = on, servers = 2", "descent.cluster.pipeline = on is not " +
            "supported with 2 server shards yet");
        final String later = assertThrows(BadInputException.class, () ->
            settings("consistency = ssp, pipeline = on").withServers(3)).getMessage();
        assertTrue(later.startsWith("descent.cluster.pipeline = on is not supported with 3 server shards"), later);
    }

    private static void assertRefused(final String overrides, final String start)
    {
        final String message = assertThrows(BadInputException.class, () -> settings(overrides)).getMessage();
        assertTrue(message.startsWith(start), message);
        assertFalse(message.contains("\n"), message);
    }

    private static ClusterSettings settings(final String overrides)
    {
        return ClusterSettings.from(ConfigFactory.parseString("descent.cluster { " + overrides + " }"), Map.of());
    }
}
