package io.descent.bench.scale;

import io.descent.cluster.local.JavaCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The command lines a sweep's runs start: every node gets the row's settings, shards and links as asked. */
class ScaleRunnersTest
{
    @TempDir
    Path dir;

    private static final ScaleSweep SWEEP = ScaleSweep.parse("1,2", "sync,ssp", "none,aes-gmac",
        List.of("step-timeout=30s"), 9);

    private ScaleSettings row(final String label)
    {
        return SWEEP.combinations().stream().filter(settings -> settings.label().equals(label)).findFirst()
            .orElseThrow();
    }

    @Test
    void shouldGiveTheScriptTheShardsTheShapedLinksAndEveryNodeTheSettings()
    {
        final Path script = dir.resolve("netns-cluster.sh");
        final Path job = dir.resolve("scale-2.conf");
        final NetnsRunner shaped = new NetnsRunner(script, 1, 1500, LinkRate.parse("1gbit"), dir.resolve("logs"),
            dir.resolve("descent-node"));
        final Path logs = dir.resolve("logs/netns-2-2-servers-ssp-s-2-auth-aes-gmac").toAbsolutePath();
        assertEquals(List.of("bash", script.toString(), "--workers", "2", "--mtu", "1500", "--servers", "2",
            "--link-qdisc", "tbf rate 1000000000bit burst 500000 limit " + (2 * 4194304 + 500000), "--report",
            logs.resolve("report.json").toString(), "--log-dir", logs.toString(), "--", "--config", job.toString(),
            "--cluster", "consistency=ssp", "--cluster", "staleness=2", "--cluster", "data-plane.auth=aes-gmac",
            "--cluster", "step-timeout=30s"), shaped.command(2, row("2 servers, ssp s=2, auth aes-gmac"), job));

        final NetnsRunner unshaped = new NetnsRunner(script, 1, 9000, null, dir, dir.resolve("descent-node"));
        final List<String> plain = unshaped.command(1, ScaleSettings.DEFAULTS, job);
        assertEquals(List.of("bash", script.toString(), "--workers", "1", "--mtu", "9000", "--report",
            dir.resolve("netns-1/report.json").toAbsolutePath().toString(), "--log-dir",
            dir.resolve("netns-1").toAbsolutePath().toString(), "--", "--config", job.toString()), plain,
            "nothing swept: the command of today's nodes");
    }

    @Test
    void shouldKeepTheNodesOwnAuthenticationOnShardedNetnsRowsWhenNoneIsSwept()
    {
        final Path script = dir.resolve("netns-cluster.sh");
        final Path job = dir.resolve("scale-2.conf");
        final NetnsRunner runner = new NetnsRunner(script, 1, 9000, null, dir, dir.resolve("descent-node"));
        final ScaleSweep servers = ScaleSweep.parse("1,2", null, null, List.of(), 9);
        final List<String> two = runner.command(2, servers.combinations().get(1), job);
        assertEquals(List.of("--config", job.toString()), two.subList(two.indexOf("--config"), two.size()),
            "shards take the data plane's MAC like one server: the nodes' key decides");
        final List<String> one = runner.command(2, servers.combinations().get(0), job);
        assertEquals(List.of("--config", job.toString()), one.subList(one.indexOf("--config"), one.size()),
            "one server keeps the nodes' own setting");
    }

    @Test
    void shouldLaunchOneServerRowsInProcessWithTheSettingsAsJobArguments()
    {
        final Path job = dir.resolve("scale-2.conf");
        assertEquals(List.of("--config", job.toString(), "--cluster", "consistency=ssp", "--cluster", "staleness=2",
            "--cluster", "data-plane.auth=none", "--cluster", "step-timeout=30s"),
            LocalRunner.jobArgs(row("1 server, ssp s=2, auth none"), job), "LocalCluster gives them to every node");
        assertEquals(List.of("--config", job.toString()), LocalRunner.jobArgs(ScaleSettings.DEFAULTS, job));
    }

    @Test
    void shouldLaunchShardedOrConfinedRowsAsTrainWithServersAndTheAuthenticationInTheEnvironment()
    {
        final Path job = dir.resolve("scale-2.conf");
        final Path report = dir.resolve("run.json");
        final LocalRunner runner = new LocalRunner(1, dir, 0, null);
        final List<String> sharded = runner.childCommand(2, row("2 servers, sync, auth aes-gmac"), job, report, null);
        final int train = sharded.indexOf("train");
        assertEquals(JavaCommand.MAIN_CLASS, sharded.get(train - 1), "this JVM's descent");
        assertEquals(List.of("train", "--config", job.toString(), "--workers", "2", "--servers", "2", "--threads",
            "1", "--report", report.toString(), "--no-progress", "--cluster", "step-timeout=30s"),
            sharded.subList(train, sharded.size()));
        assertFalse(sharded.contains("taskset"));
        assertFalse(sharded.contains("data-plane.auth=aes-gmac"), "in DESCENT_DATA_PLANE_AUTH, which train's nodes read");

        final List<String> confined = runner.childCommand(1, row("1 server, ssp s=2, auth none"), job, report,
            CpuList.parse("0"));
        assertEquals(List.of("taskset", "-c", "0"), confined.subList(0, 3));
        assertEquals(List.of("train", "--config", job.toString(), "--workers", "1", "--threads", "1", "--report",
            report.toString(), "--no-progress", "--cluster", "consistency=ssp", "--cluster", "staleness=2",
            "--cluster", "step-timeout=30s"), confined.subList(confined.indexOf("train"), confined.size()),
            "one server: no --servers, which today's train does not know");
    }

    @Test
    void shouldGiveEveryNodeOfACompressedRowItsCompressionAndNoneToTheUncompressed()
    {
        final ScaleSweep codecs = ScaleSweep.parse("1,2", null, null, "none,fp16,threshold",
            List.of("step-timeout=30s"), 9);
        final List<ScaleSettings> rows = codecs.combinations();
        final Path job = dir.resolve("scale-2.conf");
        assertEquals(List.of("--config", job.toString(), "--cluster", "step-timeout=30s"),
            LocalRunner.jobArgs(rows.get(0), job), "none is the nodes' default: not passed, so today's nodes run it");
        assertEquals(List.of("--config", job.toString(), "--cluster", "compression=fp16", "--cluster",
            "step-timeout=30s"), LocalRunner.jobArgs(rows.get(1), job), "LocalCluster gives it to every node");
        final List<String> sharded = new LocalRunner(1, dir, 0, null).childCommand(2, rows.get(5), job,
            dir.resolve("run.json"), null);
        assertEquals(List.of("--servers", "2"), sharded.subList(sharded.indexOf("--servers"),
            sharded.indexOf("--servers") + 2));
        assertEquals(List.of("--no-progress", "--cluster", "compression=threshold", "--cluster", "step-timeout=30s"),
            sharded.subList(sharded.indexOf("--no-progress"), sharded.size()), "train --servers passes it on");
        final NetnsRunner netns = new NetnsRunner(dir.resolve("netns-cluster.sh"), 1, 1500, LinkRate.parse("1gbit"),
            dir.resolve("logs"), dir.resolve("descent-node"));
        final List<String> script = netns.command(2, rows.get(2), job);
        assertEquals(List.of("--config", job.toString(), "--cluster", "compression=threshold", "--cluster",
            "step-timeout=30s"), script.subList(script.indexOf("--config"), script.size()),
            "the script gives them to every node");
        assertEquals(dir.resolve("logs/netns-2-1-server-compression-threshold").toAbsolutePath().toString(),
            script.get(script.indexOf("--log-dir") + 1), "each row its own logs");
    }
}
