package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster settings a scaling benchmark sweeps: validation, the rows, their labels and the nodes' arguments. */
class ScaleSweepTest
{
    private static ScaleSweep sweep(final String servers, final String consistency, final String auth,
        final String... cluster)
    {
        return ScaleSweep.parse(servers, consistency, auth, List.of(cluster), 9);
    }

    @Test
    void shouldRunTheNodesDefaultsWithNoArgumentsWhenNothingIsSwept()
    {
        final ScaleSweep none = sweep(null, null, null);
        assertFalse(none.given());
        assertEquals(List.of(ScaleSettings.DEFAULTS), none.combinations());
        assertEquals(List.of(), ScaleSettings.DEFAULTS.clusterArgs(), "today's nodes know neither setting");
        assertEquals("", ScaleSettings.DEFAULTS.slug());
    }

    @Test
    void shouldMakeOneRowPerCombinationServersOutermostInTheOrderGiven()
    {
        final List<ScaleSettings> rows = sweep("1,2", "sync,ssp", "none,aes-gmac").combinations();
        assertEquals(8, rows.size());
        assertEquals(List.of("1 server, sync, auth none", "1 server, sync, auth aes-gmac",
            "1 server, ssp s=2, auth none", "1 server, ssp s=2, auth aes-gmac", "2 servers, sync, auth none",
            "2 servers, sync, auth aes-gmac", "2 servers, ssp s=2, auth none", "2 servers, ssp s=2, auth aes-gmac"),
            rows.stream().map(ScaleSettings::label).toList());
        assertEquals("-2-servers-ssp-s-2-auth-aes-gmac", rows.get(7).slug());
        assertEquals(List.of("sync", "backup", "async"), sweep(null, "sync,backup,async", null).combinations()
            .stream().map(ScaleSettings::label).toList(), "only the swept settings label the rows");
    }

    @Test
    void shouldPassEverySettingButTheDefaultsToEveryNodeAsClusterArguments()
    {
        final List<ScaleSettings> rows = sweep("1,2", "sync,ssp,backup", "none", "step-timeout=30s")
            .combinations();
        assertEquals(List.of("--cluster", "data-plane.auth=none", "--cluster", "step-timeout=30s"),
            rows.get(0).clusterArgs(), "sync and 1 server are the nodes' defaults: not passed");
        assertEquals(List.of("--cluster", "consistency=ssp", "--cluster", "staleness=2", "--cluster",
            "data-plane.auth=none", "--cluster", "step-timeout=30s"), rows.get(1).clusterArgs());
        assertEquals(List.of("--cluster", "consistency=backup", "--cluster", "step-timeout=30s"),
            rows.get(2).clusterArgs(false), "without the authentication where it travels in the environment");
        assertEquals(2, rows.get(3).servers());
        assertTrue(rows.get(3).sharded());
        assertFalse(rows.get(0).sharded());
    }

    @Test
    void shouldLetTheUsersStalenessWinOverTheDefaultOfSsp()
    {
        final ScaleSettings ssp = sweep(null, "ssp", null, "staleness=5").combinations().get(0);
        assertEquals(List.of("--cluster", "consistency=ssp", "--cluster", "staleness=5"), ssp.clusterArgs());
        assertEquals("ssp", ssp.label());
    }

    @Test
    void shouldSayWhichRowsArePipelined()
    {
        assertEquals(List.of("sync", "ssp s=2 pipelined", "async pipelined"), sweep(null, "sync,ssp,async", null,
            "pipeline=on").combinations().stream().map(ScaleSettings::label).toList());
    }

    @Test
    void shouldRefuseBadListsAndTheBenchsOwnSettingsWithOneLine()
    {
        assertRefused("--consistency 'eventual' is not a consistency model; use sync, backup, ssp, async", null,
            "sync,eventual", null);
        assertRefused("--consistency 'sync,,ssp' must be distinct values", null, "sync,,ssp", null);
        assertRefused("--consistency 'ssp,ssp' must be distinct values", null, "ssp,ssp", null);
        assertRefused("--servers 'one' must be server counts", "one", null, null);
        assertRefused("--servers '1,10': every count must be from 1 to 9", "1,10", null, null);
        assertRefused("--servers '0': every count must be from 1 to 9", "0", null, null);
        assertRefused("--auth = 'gmac' is not allowed; use auto, hmac-sha256, aes-gmac, chacha20-poly1305 or none", null,
            null, "none,gmac");
        assertRefused("--cluster 'staleness' must look like KEY=VALUE", null, null, null, "staleness");
        assertRefused("--cluster consistency=…: use --consistency LIST", null, null, null, "consistency=ssp");
        assertRefused("--cluster servers=…: use --servers LIST", null, null, null, " servers = 2");
        assertRefused("--cluster data-plane.auth=…: use --auth LIST", null, null, null, "\"data-plane.auth\"=none");
        assertRefused("--cluster key=…: the cluster key never goes on a command line", null, null, null,
            "key=secret-value");
    }

    @Test
    void shouldRefuseBeforeAnyRunWhatThisBuildsNodesRefuse()
    {
        assertEquals(4, sweep("1", "sync,backup", "none,aes-gmac").checkNodesSupport().combinations().size());
        assertEquals(2, sweep("1,2", "sync", "none").checkNodesSupport().combinations().size());
        assertEquals(4, sweep("1,2", "sync", "none,aes-gmac").checkNodesSupport().combinations().size(),
            "shards with the data-plane MAC");
        assertEquals(4, sweep("1", "sync,ssp,async,backup", "none").checkNodesSupport().combinations().size());
        assertEquals(6, sweep("1,2", "sync,ssp,async", "none").checkNodesSupport().combinations().size(),
            "shards with ssp and async");
        assertEquals(4, sweep("1,2", "sync,backup", "none").checkNodesSupport().combinations().size(),
            "shards with backup workers");
    }

    private static void assertRefused(
        final String expected, final String servers, final String consistency, final String auth,
        final String... cluster)
    {
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> sweep(servers, consistency, auth, cluster));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
        assertEquals(1, ex.getMessage().lines().count(), ex.getMessage());
        assertFalse(ex.getMessage().contains("secret-value"), "never repeats a key");
    }

    @Test
    void shouldCompareEachRowWithTheFirstValueOfEachSettingItDiffersIn()
    {
        final ScaleSweep sweep = sweep("1,2", "sync,ssp", "none,aes-gmac");
        final List<ScaleSettings> rows = sweep.combinations();
        assertEquals(List.of(), sweep.baselinesOf(rows.get(0)));
        final ScaleSettings gmacSsp2 = rows.get(7);
        assertEquals(List.of(rows.get(3), rows.get(5), rows.get(6)), sweep.baselinesOf(gmacSsp2),
            "1 server, sync and none in turn, the rest alike");
        assertEquals("auth aes-gmac vs none", ScaleSweep.difference(rows.get(1), rows.get(0)));
        assertEquals("2 vs 1 servers", ScaleSweep.difference(rows.get(4), rows.get(0)));
        assertEquals("ssp vs sync", ScaleSweep.difference(rows.get(2), rows.get(0)));
        assertNull(ScaleSweep.difference(rows.get(3), rows.get(0)), "two settings differ");
    }

    @Test
    void shouldSweepCompressionInnermostAndCompareEveryCodecWithNone()
    {
        final ScaleSweep codecs = ScaleSweep.parse(null, "sync,ssp", null, "fp16,none,threshold", List.of(), 9);
        final List<ScaleSettings> rows = codecs.combinations();
        assertEquals(List.of("sync, compression fp16", "sync, compression none", "sync, compression threshold",
            "ssp s=2, compression fp16", "ssp s=2, compression none", "ssp s=2, compression threshold"),
            rows.stream().map(ScaleSettings::label).toList());
        assertEquals(List.of("--cluster", "compression=fp16"), rows.get(0).clusterArgs());
        assertEquals(List.of(), rows.get(1).clusterArgs(), "none is the nodes' default: not passed");
        assertEquals("none", rows.get(1).toJson().get("compression"));
        assertEquals("threshold", rows.get(2).toJson().get("compression"));
        assertEquals("none", ScaleSettings.DEFAULTS.toJson().get("compression"), "not swept: the nodes' none");
        assertEquals(List.of(rows.get(1)), codecs.baselinesOf(rows.get(0)), "against none, though listed second");
        assertEquals(List.of(), codecs.baselinesOf(rows.get(1)));
        assertEquals(List.of(rows.get(2), rows.get(4)), codecs.baselinesOf(rows.get(5)),
            "ssp's threshold against sync's threshold and against ssp's none");
        assertEquals("compression threshold vs none", ScaleSweep.difference(rows.get(5), rows.get(4)));
        final ScaleSweep halves = ScaleSweep.parse(null, null, null, "bf16,fp16", List.of(), 9);
        assertEquals(List.of(halves.combinations().get(0)), halves.baselinesOf(halves.combinations().get(1)),
            "without none the first listed value is the baseline");
        assertTrue(codecs.given());
    }

    @Test
    void shouldSetTheWeightsCompressionOfRowsThatNameIt()
    {
        final ScaleSweep pairs = ScaleSweep.parse(null, null, null, "none/none,fp16/fp16,threshold/threshold,fp16",
            List.of("step-timeout=30s"), 9);
        final List<ScaleSettings> rows = pairs.combinations();
        assertEquals(List.of("none", "fp16/fp16", "threshold/threshold", "fp16"),
            rows.stream().map(ScaleSettings::compressionName).toList(), "none/none is none: float32 weights");
        assertEquals(List.of("compression none", "compression fp16/fp16", "compression threshold/threshold",
            "compression fp16"), rows.stream().map(ScaleSettings::label).toList());
        assertEquals(List.of("--cluster", "compression=threshold", "--cluster", "weight-compression=threshold",
            "--cluster", "step-timeout=30s"), rows.get(2).clusterArgs());
        assertEquals(List.of("--cluster", "compression=fp16", "--cluster", "step-timeout=30s"),
            rows.get(3).clusterArgs(), "a bare row keeps float32 weights");
        assertEquals(List.of("--cluster", "step-timeout=30s"), rows.get(0).clusterArgs());
        assertEquals("threshold", rows.get(2).toJson().get("gradient_compression"));
        assertEquals("threshold", rows.get(2).toJson().get("weight_compression"));
        assertEquals("none", rows.get(3).toJson().get("weight_compression"));
        assertEquals(List.of(rows.get(0)), pairs.baselinesOf(rows.get(2)), "against none");
        assertEquals("compression threshold/threshold vs none", ScaleSweep.difference(rows.get(2), rows.get(0)));
        assertEquals(List.of("--cluster", "weight-compression=fp16"),
            ScaleSweep.parse(null, null, null, "none,none/fp16", List.of(), 9).combinations().get(1).clusterArgs(),
            "float32 gradients, fp16 weights");
    }

    @Test
    void shouldRefuseBadWeightRowsWithOneLine()
    {
        for (final String[] bad : new String[][]{
            { "none,fp16/int8", "--compression 'fp16/int8': 'int8' is not a weight compression; use one of none, " +
                "fp16, bf16, threshold after the '/'" },
            { "none,fp16/fp16/fp16", "--compression 'fp16/fp16/fp16' must be GRADIENTS or GRADIENTS/WEIGHTS" },
            { "zip/fp16", "--compression 'zip' is not a gradient compression; use none, fp16, bf16, threshold" },
            { "fp16/,none", "--compression 'fp16/': '' is not a weight compression" },
            { "none,none/none", "--compression 'none,none/none' lists none twice" } })
        {
            final BadInputException ex = assertThrows(BadInputException.class,
                () -> ScaleSweep.parse(null, null, null, bad[0], List.of(), 9));
            assertTrue(ex.getMessage().startsWith(bad[1]), ex.getMessage());
            assertEquals(1, ex.getMessage().lines().count());
        }
        final BadInputException twice = assertThrows(BadInputException.class, () -> ScaleSweep.parse(null, null,
            null, "none,fp16/fp16", List.of("weight-compression=fp16"), 9));
        assertTrue(twice.getMessage().startsWith("--cluster weight-compression=…: the --compression rows set the " +
            "weights"), twice.getMessage());
        final BadInputException ssp = assertThrows(BadInputException.class, () -> ScaleSweep.parse(null, "sync,ssp",
            null, "none,threshold/threshold", List.of(), 9).checkNodesSupport());
        assertTrue(ssp.getMessage().startsWith("--compression …/threshold with --consistency sync,ssp: " +
            "threshold-coded weights run under sync and backup only"), ssp.getMessage());
    }

    @Test
    void shouldRefuseUnknownCompressionsAndTheCompressionKeyWithOneLine()
    {
        for (final String[] bad : new String[][]{ { "none,gzip", "--compression 'gzip' is not a gradient " +
            "compression; use none, fp16, bf16, threshold" }, { "fp16,fp16", "--compression 'fp16,fp16' must be " +
            "distinct values" } })
        {
            final BadInputException ex = assertThrows(BadInputException.class,
                () -> ScaleSweep.parse(null, null, null, bad[0], List.of(), 9));
            assertTrue(ex.getMessage().startsWith(bad[1]), ex.getMessage());
            assertEquals(1, ex.getMessage().lines().count());
        }
        assertRefused("--cluster compression=…: use --compression LIST", null, null, null, "compression=fp16");
    }
}
