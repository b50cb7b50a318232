package io.descent.bench.model;

import io.descent.bench.scale.SharedCompute;
import io.descent.bench.transport.UdpPath;
import io.descent.cluster.Consistency;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the validation gives the model for each gradient compression of a run. */
class ValidationTest
{
    private static final long M = 23_300_000L;

    @Test
    void shouldGiveTheModelTheCompressionRatioOfEachCodec()
    {
        assertEquals(1.0, Validation.ratio("none", M, M * 1.002), "uncompressed, whatever the headers add");
        assertEquals(2.0, Validation.ratio("fp16", M, 0.0));
        assertEquals(2.0, Validation.ratio("bf16", M, M / 2.0));
        assertEquals(40.0, Validation.ratio("threshold", M, M / 40.0), 1e-9, "what the run's workers sent");
        assertEquals(1.0, Validation.ratio("threshold", M, M * 1.5), "never below 1");
        assertEquals(1.0, Validation.ratio("threshold", M, 0.0), "a report without bytes: uncompressed");
    }

    @Test
    void shouldJudgeARowByTheRunsComputeTimesTheSpreadAndShowTheOtherInputsBesideIt()
    {
        // 2 workers × 256 in a 0.256 s step predicted (the run's mean 0.105 s × the spread 1.247619 = 0.131 s a step
        // + 0.125 s of the rest): 2,000 samples/s; from the run's mean alone 512 / 0.230 = 2,226.1 samples/s; from
        // the host-shared E[max] (0.150 s, measured apart) 512 / 0.275 = 1,861.8; measured 1,600.
        final StepBreakdown step = new StepBreakdown(0.131, 0.05, 0.03, 0.045, 0.0, false, 0.0, 1.0);
        final SharedCompute shared = new SharedCompute(3, 2, 0.120, 0.120 * 0.131 / 0.105);
        final Validation.Row row = new Validation.Row("local, 2 workers, 1 server", step.samplesPerSec(2, 256),
            1_600.0, step, 0.105, 512 / 0.230, 512 / (shared.maxSeconds() + 0.125), shared,
            new Overheads(0.0, 1e9, 1e9, 1e9, 1e9, 1e9, 5e8, 0, 2e-9), null, null,
            Validation.ServerInput.AT_PROBE_RATES);
        assertEquals(2_000.0, row.predicted(), 1e-9);
        assertEquals(1.25, row.ratio(), 1e-12);
        assertEquals(512 / 0.230 / 1_600, row.runMeanRatio(), 1e-12, "1.391: the run's mean alone, further off");
        assertEquals(512 / (0.120 * 0.131 / 0.105 + 0.125) / 1_600, row.sharedMaxRatio(), 1e-12);
        assertEquals(0.25, Validation.maxError(List.of(row)), 1e-12, "judged by the run's mean × the spread");
        assertEquals(0.105, (double)row.toJson().get("run_compute_mean_s"));
        assertTrue(((String)row.toJson().get("compute_input")).startsWith("the run's own mean compute × the " +
            "host-shared spread"));
        assertEquals(2e-9, (double)((Map<?, ?>)row.toJson().get("overheads")).get("udp_cpu_seconds_per_byte"));
        assertTrue(((String)row.toJson().get("udp_measured_over")).startsWith("loopback"), "no pair: the probe's");
        assertFalse(row.toJson().containsKey("udp_path"));

        // The unshaped pair on the same wiring, CPU-bound, gives the CPU per byte; the pair shaped as the links
        // (its polling threads' CPU is no cost of the path) moved 125 MB/s: on a 1 Gbit/s link (125 MB/s of
        // payload) that is the link, and the data plane's rate is the unshaped pair's.
        final UdpPath path = new UdpPath(2e8, 1.6, 1_760_000_000L, 1_120_000_000L, 3_200_000_000L);
        final UdpPath unshaped = new UdpPath(2e8, 0.4, 440_000_000L, 280_000_000L, 800_000_000L);
        final Validation.Row paired = new Validation.Row(row.config(), row.predicted(), row.measured(), step, 0.105,
            row.fromRunMean(), row.fromSharedMax(), shared, Validation.onPath(row.overheads(), path, unshaped,
            1.25e8), path, unshaped, Validation.ServerInput.AT_PROBE_RATES);
        final Map<?, ?> overheads = (Map<?, ?>)paired.toJson().get("overheads");
        assertEquals(3.6e-9, (double)overheads.get("udp_cpu_seconds_per_byte"), 1e-21, "the unshaped pair's");
        assertEquals(5e8, (double)overheads.get("udp_bytes_per_sec"), 1e-3, "the unshaped pair's, not the link's");
        // On a 10 Gbit/s link the same shaped pair is bound by its CPU and the qdiscs: its rate is the path's.
        assertEquals(1.25e8, Validation.onPath(row.overheads(), path, unshaped, 1.25e9).udpBytesPerSec(), 1e-3);
        assertEquals(3.6e-9, Validation.onPath(row.overheads(), path, unshaped, 1.25e9).udpCpuSecondsPerByte(),
            1e-21);
        assertEquals(1e9, (double)overheads.get("tag_bytes_per_sec"), "the rest as measured");
        assertEquals(path.toJson(), paired.toJson().get("udp_path"));
        assertEquals(unshaped.toJson(), paired.toJson().get("udp_cpu_path"));
        assertTrue(((String)paired.toJson().get("udp_measured_over")).startsWith("two namespaces"));
    }

    @Test
    void shouldLetALinkBoundPhaseStartTheNextPushBehindTheBroadcastWithTheUnshapedPairsRate()
    {
        // 100 Mbit/s (12.5 MB/s of payload, framing aside), 2 workers, 1 server, M = 2 MB: the server's link carries
        // 2M in each phase (320 ms). A pair shaped to the link moves 12.2 MB/s (the link): as the data plane's rate its
        // streams take 2M / 12.2 MB/s = 327.9 ms a phase, above the link's, and no head start. The unshaped pair moves
        // 500 MB/s: the link bounds both phases and the first worker's gradient comes in while the second's weights
        // go out, (N − 1) × min(send buffer 1 MB, M) / rate = 80 ms.
        final Overheads host = new Overheads(0.0, 1e10, 1e10, 1e10, 1e10, 1e10, 5e8, 1_000_000, 2e-9);
        final ClusterShape shape = new ClusterShape(2, 1, 2_000_000, 64, 0.01, 12_500_000.0, 0.0, 1.0,
            Consistency.Mode.SYNC);
        final UdpPath shaped = new UdpPath(12_200_000.0, 1.0, 500_000_000L, 500_000_000L, 1_000_000_000L);
        final UdpPath unshaped = new UdpPath(500_000_000.0, 1.0, 500_000_000L, 500_000_000L, 1_000_000_000L);
        final StepBreakdown priced = new StepTimeModel(Validation.onPath(host, shaped, unshaped, 12_500_000.0))
            .predict(shape);
        assertEquals(0.32, priced.push(), 1e-12);
        assertEquals(0.32, priced.pull(), 1e-12);
        assertEquals(0.08, priced.overlap(), 1e-12);
        final StepBreakdown twice = new StepTimeModel(host.withUdp(shaped.bytesPerSec(), unshaped.cpuSecondsPerByte()))
            .predict(shape);
        assertEquals(2 * 2_000_000 / 12_200_000.0, twice.push(), 1e-12, "the shaped pair's rate: the link again");
        assertEquals(0.0, twice.overlap(), "and no head start");
    }

    @Test
    void shouldWarmEveryRunUpForAtLeastOneEpoch()
    {
        final ValidationOptions warmed = new ValidationOptions();
        new CommandLine(warmed).parseArgs("--validate", "--validate-shapes", "2x2", "--validate-warmup-epochs", "2");
        assertTrue(warmed.check(), "two warm-up epochs are accepted");
        final ValidationOptions cold = new ValidationOptions();
        new CommandLine(cold).parseArgs("--validate", "--validate-warmup-epochs", "0");
        final BadInputException refused = assertThrows(BadInputException.class, cold::check);
        assertTrue(refused.getMessage().contains("--validate-warmup-epochs must be at least 1, got 0"),
            refused.getMessage());
    }

    @Test
    void shouldPriceTheServerAtTheRatesItRanAtInTheRun()
    {
        // 2 workers, 2 shards, M = 20 MB: a shard's range is 10 MB, folded once (the first rank's gradient is the sum)
        // at 10 GB/s (1 ms) and updated at 5 GB/s (2 ms): 3 ms of work a step at the probe's rates, all of it on the
        // step's path. The run's busiest shard took 7.5 ms a step: ×2.5, and the model's server phase is 7.5 ms.
        final Overheads probe = new Overheads(0.0, 1e10, 5e9, 1e10, 1e10, 1e10, 1e10, 0, 2e-9);
        final ClusterShape shape = new ClusterShape(2, 2, 20_000_000, 64, 0.05, Double.POSITIVE_INFINITY, 0.0, 1.0,
            Consistency.Mode.SYNC);
        assertEquals(0.003, new StepTimeModel(probe).serverWork(shape), 1e-15);
        final double slowdown = Validation.ServerInput.slowdown(0.0075, new StepTimeModel(probe).serverWork(shape));
        assertEquals(2.5, slowdown, 1e-12);
        assertEquals(0.0075, new StepTimeModel(probe.withServerSlowdown(slowdown)).predict(shape).server(), 1e-15);
        assertEquals(1.0, Validation.ServerInput.slowdown(0.0, 0.003), "a report without server stats: the probe's");

        // Compressed, 3 workers: every rank's gradient is decoded into the sum (3 × 10 MB × 0.5 ns = 15 ms) and the
        // update 2 ms: 17 ms of work, of which one decode and the update (7 ms) follow the last gradient. A run at
        // 34 ms a step (×2) puts 14 ms on the path.
        final ClusterShape coded = new ClusterShape(3, 2, 20_000_000, 64, 0.05, Double.POSITIVE_INFINITY, 0.0, 2.0,
            Consistency.Mode.SYNC).onOneHost(0, new CodecCost(1e-10, 5e-10));
        assertEquals(0.017, new StepTimeModel(probe).serverWork(coded), 1e-15);
        final double twice = Validation.ServerInput.slowdown(0.034, new StepTimeModel(probe).serverWork(coded));
        assertEquals(0.014, new StepTimeModel(probe.withServerSlowdown(twice)).predict(coded.onOneHost(0,
            coded.codec().withDecodeSlowdown(twice))).server(), 1e-15);
    }
}
