package io.descent.bench.model;

import io.descent.cluster.Consistency;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The step-time model against closed-form cases. */
class StepTimeModelTest
{
    private static final double M = 23.3e6;
    /** 1 Gbit/s in bytes per second. */
    private static final double GBIT = 1e9 / 8;
    private static final Overheads FREE = new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, 1e10,
        Double.MAX_VALUE, Double.MAX_VALUE);
    private static final StepTimeModel LINKS_ONLY = new StepTimeModel(FREE);

    private static ClusterShape shape(final int workers, final int servers, final double compute)
    {
        return new ClusterShape(workers, servers, (long)M, 256, compute, GBIT, 0.0, 1.0, Consistency.Mode.SYNC);
    }

    @Test
    void shouldCarryNTimesMThroughOneServerLinkEachWay()
    {
        final StepBreakdown step = LINKS_ONLY.predict(shape(2, 1, 0.0));
        assertEquals(2 * M / GBIT, step.push(), 1e-12);
        assertEquals(2 * M / GBIT, step.pull(), 1e-12);
        assertEquals(4 * M / GBIT, step.step(), 1e-12, "0.746 s: the 23 MB model, 2 workers, one 1 Gbit/s server");
    }

    @Test
    void shouldHalveTheServerLinkWithTwoShardsDownToTheWorkersLink()
    {
        final double one = LINKS_ONLY.predict(shape(2, 1, 0.0)).step();
        final double two = LINKS_ONLY.predict(shape(2, 2, 0.0)).step();
        assertEquals(2.0, one / two, 1e-12, "link-bound: S = 2 carries N·M/2 = M per shard link, as each worker's");
        final double four = LINKS_ONLY.predict(shape(2, 4, 0.0)).step();
        assertEquals(two, four, 1e-12, "past S = N the workers' own links (M each way) bound the step");
    }

    @Test
    void shouldApproachTheCeilingWhenComputeDominates()
    {
        final double compute = 1000.0;
        final double ratio = LINKS_ONLY.predict(shape(2, 1, compute)).step() /
            LINKS_ONLY.predict(shape(2, 2, compute)).step();
        assertEquals(1.0, ratio, 1e-3);
        assertEquals((compute + 4 * M / GBIT) / (compute + 2 * M / GBIT), ratio, 1e-12);
    }

    @Test
    void shouldScaleWeaklyAtOneWorkerPerServer()
    {
        for (final int n : new int[]{ 2, 8, 64 })
        {
            final ClusterShape matched = shape(n, n, 0.1);
            assertEquals(n * LINKS_ONLY.samplesPerSec(matched.withWorkers(1)), LINKS_ONLY.samplesPerSec(matched),
                1e-6, "S = N: every link carries M each way whatever N is");
            assertEquals(1.0, LINKS_ONLY.efficiency(matched), 1e-12);
        }
        final ClusterShape one = shape(8, 1, 0.1);
        assertEquals((0.1 + 2 * M / GBIT) / (0.1 + 16 * M / GBIT), LINKS_ONLY.efficiency(one), 1e-12);
    }

    @Test
    void shouldShrinkOnlyThePushWithCompression()
    {
        final ClusterShape plain = shape(4, 1, 0.0);
        final ClusterShape compressed = new ClusterShape(4, 1, (long)M, 256, 0.0, GBIT, 0.0, 4.0, Consistency.Mode.SYNC);
        assertEquals(LINKS_ONLY.predict(plain).push() / 4, LINKS_ONLY.predict(compressed).push(), 1e-12);
        assertEquals(LINKS_ONLY.predict(plain).pull(), LINKS_ONLY.predict(compressed).pull(), 1e-12);
    }

    @Test
    void shouldAddServerWorkLatencyAndTheFixedCostPerStep()
    {
        final Overheads host = new Overheads(0.002, 4e9, 2e9, 1e10, Double.MAX_VALUE, Double.MAX_VALUE);
        final ClusterShape shape = new ClusterShape(2, 2, (long)M, 256, 0.05, GBIT, 1e-4, 1.0, Consistency.Mode.SYNC);
        final StepBreakdown step = new StepTimeModel(host).predict(shape);
        final double range = M / 2;
        assertEquals(range / 4e9 + range / 2e9, step.server(), 1e-12);
        assertEquals(M / GBIT + 1e-4, step.push(), 1e-12);
        assertEquals(0.05 + 2 * (M / GBIT + 1e-4) + range / 4e9 + range / 2e9 + 0.002, step.step(), 1e-12);
        assertEquals(2 * 256 / step.step(), step.samplesPerSec(2, 256), 1e-9);
        assertEquals(M / 2e9, new StepTimeModel(host).predict(shape.withWorkers(1).withServers(1)).server(), 1e-12,
            "one worker's gradient is the sum: the update only");
    }

    @Test
    void shouldBoundLocalTransfersByTheDataPlaneItself()
    {
        // Measured here (2026-12-07): AES-GMAC'd IPC moved 23.3 MB at 1.24 GB/s, the MAC alone ran at 2.5 GB/s.
        final double transfer = 1.24e9;
        final double tag = 2.5e9;
        final double copy = 10e9;
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, copy,
            transfer, tag));
        final ClusterShape one = new ClusterShape(1, 1, (long)M, 256, 0.1, Double.POSITIVE_INFINITY, 0.0, 1.0,
            Consistency.Mode.SYNC);
        assertEquals(M / transfer, model.predict(one).push(), 1e-12, "one pair of processes moves the gradient");
        assertEquals(M / transfer, model.predict(one).pull(), 1e-12);
        assertEquals(M / transfer, model.predict(one.withWorkers(2)).push(), 1e-12,
            "two senders in parallel; the server checks 2M at 2.5 GB/s, less than one transfer");
        assertEquals(3 * M / tag, model.predict(one.withWorkers(3)).push(), 1e-12,
            "three gradients: the server's check of 3M bounds the push");
        assertEquals(M / tag + 8 * M / copy, model.predict(one.withWorkers(8)).pull(), 1e-12,
            "a broadcast is tagged once and copied per worker");
        assertEquals(M / transfer, model.predict(one.withWorkers(3).withServers(2)).push(), 1e-12,
            "two shards check 1.5M each");
        final ClusterShape linked = new ClusterShape(2, 1, (long)M, 256, 0.1, GBIT, 0.0, 1.0, Consistency.Mode.SYNC);
        assertEquals(2 * M / GBIT, model.predict(linked).push(), 1e-12, "a 1 Gbit/s link is slower than the CPU");
        final ClusterShape fast = new ClusterShape(1, 1, (long)M, 256, 0.1, 100 * GBIT, 0.0, 4.0, Consistency.Mode.SYNC);
        assertEquals(M / 4 / transfer, model.predict(fast).push(), 1e-12,
            "a 100 Gbit/s link is faster than the data plane, which moves the compressed gradient");
    }

    @Test
    void shouldLetTheFirstGradientsInWhileTheLastWeightsGoOut()
    {
        // Measured at 100 Mbit/s (2.1 MB model, 2 MiB send buffers): 3 workers' weights landed 242, 392, 521 ms after
        // publishing, and rank 0's gradient came in while the others' weights still went out.
        final double buffer = 2.0 * 1024 * 1024;
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, 1e10,
            Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, buffer));
        final double small = 2.0e6;
        final ClusterShape whole = new ClusterShape(3, 1, (long)small, 256, 0.0, GBIT, 0.0, 1.0, Consistency.Mode.SYNC);
        assertEquals(4 * small / GBIT, model.predict(whole).step(), 1e-12,
            "buffers hold whole messages: (N + 1)·M/B instead of 2N·M/B");
        final StepBreakdown large = model.predict(shape(3, 1, 0.0));
        assertEquals(2 * buffer / GBIT, large.overlap(), 1e-12, "a 23 MB message gets (N − 1) buffers ahead");
        assertEquals(6 * M / GBIT - 2 * buffer / GBIT, large.step(), 1e-12);
        assertEquals(0.0, model.predict(shape(2, 2, 0.0)).overlap(), "S = N: the workers' own links bound the phases");
        assertEquals(0.0, model.predict(whole.withWorkers(1)).overlap());
        assertEquals(0.0, LINKS_ONLY.predict(shape(3, 1, 0.0)).overlap(), "no send buffer, no head start");
    }

    @Test
    void shouldSpreadTheDataPlanesCpuWorkOverTheCoresTheProcessesShare()
    {
        final double tag = 4e9;
        final double copy = 15e9;
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, copy,
            3e9, tag));
        final ClusterShape own = new ClusterShape(2, 2, (long)M, 256, 0.1, Double.POSITIVE_INFINITY, 0.0, 1.0,
            Consistency.Mode.SYNC);
        final ClusterShape shared = own.onOneHost(2, CodecCost.NONE);
        assertEquals(M / 3e9, model.predict(own).push(), 1e-12, "machines of their own: one transfer bounds it");
        assertEquals(2 * M * (2 / tag + 1 / copy) / 2, model.predict(shared).push(), 1e-12,
            "4 processes on 2 cores: both gradients' tags, checks and copies share the 2 cores, whatever S is");
        assertEquals((M / tag + 2 * M * (1 / tag + 1 / copy)) / 2, model.predict(shared).pull(), 1e-12,
            "tagged once, checked and copied by each worker");
        assertEquals(M / 3e9, model.predict(shared.withWorkers(1).withServers(1)).push(), 1e-12,
            "one pair on two cores: the transfer's own rate");
    }

    @Test
    void shouldMoveBuffersOverUdpBetweenHostsAndOverIpcOnOne()
    {
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, 1e10,
            2e9, Double.MAX_VALUE, 0.5e9, 0.0));
        final ClusterShape local = new ClusterShape(1, 1, (long)M, 256, 0.1, Double.POSITIVE_INFINITY, 0.0, 1.0,
            Consistency.Mode.SYNC);
        final ClusterShape linked = new ClusterShape(1, 1, (long)M, 256, 0.1, 100 * GBIT, 0.0, 1.0,
            Consistency.Mode.SYNC);
        assertEquals(M / 2e9, model.predict(local).push(), 1e-12);
        assertEquals(M / 0.5e9, model.predict(linked).push(), 1e-12, "a 100 Gbit/s link outruns UDP's datagrams");
        assertEquals(3 * M / 0.5e9, model.predict(linked.withWorkers(3)).push(), 1e-12,
            "one receiver thread takes the shard's three streams");
        assertEquals(3 * M / 0.5e9, model.predict(linked.withWorkers(3)).pull(), 1e-12, "and one sender sends them");
        assertEquals(M / 2e9, model.predict(local.withWorkers(3)).push(), 1e-12,
            "IPC needs no driver thread: the senders run side by side");
    }

    @Test
    void shouldPriceUdpOnSharedCoresByWhatItsBytesCostTheCpu()
    {
        // Measured here (2026-12-07): UDP over loopback moved 23.3 MB at 0.87 GB/s with the process on both cores.
        final double udp = 0.87e9;
        final double udpCpu = 2 / udp;
        final double tag = 6e9;
        final double copy = 10e9;
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, copy,
            3e9, tag, udp, 0.0, udpCpu));
        final ClusterShape wide = new ClusterShape(2, 1, (long)M, 256, 0.1, 10 * GBIT, 0.0, 1.0, Consistency.Mode.SYNC);
        final ClusterShape sharded = wide.withServers(2);
        assertEquals(2 * M / udp, model.predict(wide).push(), 1e-12, "one shard's receiver thread takes both streams");
        assertEquals(M / udp, model.predict(sharded).push(), 1e-12,
            "hosts of their own: each shard's receiver takes one stream, in parallel");
        assertEquals(model.predict(wide.onOneHost(2, CodecCost.NONE)).push(),
            model.predict(sharded.onOneHost(2, CodecCost.NONE)).push(), 1e-12,
            "2 shared cores: both gradients' UDP work fills them whatever S is");
        assertEquals(2 * M * udpCpu / 2, model.predict(sharded.onOneHost(2, CodecCost.NONE)).push(), 1e-12);
        assertEquals((M / tag + 2 * M * (udpCpu - 1 / tag)) / 2, model.predict(sharded.onOneHost(2,
            CodecCost.NONE)).pull(), 1e-12, "the broadcast is tagged once; each copy costs the rest of a transfer");
        final ClusterShape local = new ClusterShape(2, 2, (long)M, 256, 0.1, Double.POSITIVE_INFINITY, 0.0, 1.0,
            Consistency.Mode.SYNC).onOneHost(2, CodecCost.NONE);
        assertEquals(2 * M * (2 / tag + 1 / copy) / 2, model.predict(local).push(), 1e-12,
            "over IPC the tags, checks and copies, as before");
    }

    @Test
    void shouldCostUdpBytesAsIpcOnesUnlessMeasured()
    {
        final Overheads host = new Overheads(0.0, 4e9, 2e9, 1e10, 3e9, 5e9, 1e9, 0.0);
        assertEquals(host.transferCpuSecondsPerByte(), host.udpCpuSecondsPerByte(), 1e-24);
        assertEquals(host.transferCpuSecondsPerByte(), host.cpuSecondsPerByte(false), 1e-24);
        final Overheads measured = new Overheads(0.0, 4e9, 2e9, 1e10, 3e9, 5e9, 1e9, 0.0, 2.3e-9);
        assertEquals(2.3e-9, measured.cpuSecondsPerByte(true), 1e-24);
        assertEquals(2.3e-9, measured.withStepSeconds(0.004).udpCpuSecondsPerByte(), 1e-24);
        assertEquals(2.3e-9, measured.toJson().get("udp_cpu_seconds_per_byte"));
        assertThrows(IllegalArgumentException.class,
            () -> new Overheads(0.0, 4e9, 2e9, 1e10, 3e9, 5e9, 1e9, 0.0, Double.NaN));
    }

    @Test
    void shouldEncodeBeforeThePushAndDecodeIntoTheSum()
    {
        // Measured (2026-12-07): threshold encode 1.4–3.6 GB/s, decode 17–25 GB/s.
        final CodecCost threshold = new CodecCost(1 / 2e9, 1 / 20e9);
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, 4e9, Double.MAX_VALUE, 1e10,
            Double.MAX_VALUE, Double.MAX_VALUE));
        final ClusterShape plain = new ClusterShape(2, 1, (long)M, 256, 0.1, GBIT, 0.0, 100.0, Consistency.Mode.SYNC);
        final ClusterShape coded = plain.onOneHost(0, threshold);
        assertEquals(model.predict(plain).push() + M / 2e9, model.predict(coded).push(), 1e-12,
            "one pass over the gradient before the push");
        assertEquals(M / 20e9, model.predict(coded).server(), 1e-12, "the last gradient is decoded into the sum");
        assertEquals(M / 4e9, model.predict(plain).server(), 1e-12, "a dense one is folded by BLAS");
        assertEquals(M / 20e9, model.predict(coded.withWorkers(1)).server(), 1e-12,
            "even one worker's gradient is decoded");
        assertEquals(2 * M / 2e9, model.predict(plain.withWorkers(4).onOneHost(2,
            threshold)).push() - model.predict(plain.withWorkers(4).onOneHost(2, CodecCost.NONE)).push(), 1e-12,
            "four workers encoding on two cores take two passes");
    }

    @Test
    void shouldOverlapCommunicationWithComputeUnderSspAndAsync()
    {
        final ClusterShape sync = shape(2, 1, 0.5);
        final ClusterShape ssp = new ClusterShape(2, 1, (long)M, 256, 0.5, GBIT, 0.0, 1.0, Consistency.Mode.SSP);
        assertEquals(0.5 + 4 * M / GBIT, LINKS_ONLY.predict(sync).step(), 1e-12);
        assertEquals(Math.max(0.5, 4 * M / GBIT), LINKS_ONLY.predict(ssp).step(), 1e-12);
        final ClusterShape backup = new ClusterShape(2, 1, (long)M, 256, 0.5, GBIT, 0.0, 1.0, Consistency.Mode.BACKUP);
        assertEquals(LINKS_ONLY.predict(sync).step(), LINKS_ONLY.predict(backup).step(), 1e-12);
    }

    @Test
    void shouldChargeEveryRoundOfAnEpochWithAPartialLastBatch()
    {
        final Overheads host = new Overheads(0.004, 4e9, 2e9, 1e10, Double.MAX_VALUE, Double.MAX_VALUE);
        final ClusterShape steady = shape(1, 1, 0.08);
        final StepBreakdown one = new StepTimeModel(host).predict(steady);
        final StepBreakdown eleven = new StepTimeModel(host).predict(steady.withRounds(11 / 10.0));
        assertEquals(0.08 + 2 * M / GBIT + M / 2e9 + 0.004, one.step(), 1e-12);
        assertEquals(1.1 * one.step(), eleven.step(), 1e-12,
            "11 rounds (10 full batches and 2 rows) for every 10 batches of examples");
        assertEquals(256 / (1.1 * one.step()), eleven.samplesPerSec(1, 256), 1e-9);
        assertEquals(one.push(), eleven.push(), "a round's phases stay as they are");
        assertThrows(IllegalArgumentException.class, () -> steady.withRounds(0.9));
    }

    @Test
    void shouldRefuseImpossibleShapes()
    {
        assertThrows(IllegalArgumentException.class, () -> shape(0, 1, 0.0));
        assertThrows(IllegalArgumentException.class, () -> shape(1, 0, 0.0));
        assertThrows(IllegalArgumentException.class,
            () -> new ClusterShape(1, 1, 1, 1, 0.0, GBIT, 0.0, 0.5, Consistency.Mode.SYNC));
    }
}
