package io.descent.bench.scale;

import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.transport.codec.Compression;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.FastestMac;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Finds, in a sweep with {@code --auth none,…}, each MAC'd row's step-time ratio against {@code none} at the same
 * worker count and sets the {@link MacCpuCost} of this host beside it: the bytes the row's job MACs per step, the MAC's
 * rate on one thread in CPU time (asked once per MAC), and the {@code none} row's median step time and CPUs.
 * Synchronous rows only ({@code sync}: every worker's gradient and one broadcast per step; the other models' steps are
 * not that). Stateless.
 */
final class MacCpuCosts
{
    private MacCpuCosts()
    {
    }

    /**
     * @param sweep   what was swept.
     * @param repeats every row's runs, in round order.
     * @param ratios  the sweep's step-time ratios ({@link StepRatio#of}).
     * @param params  the job's parameter count (its runs' reports' {@code params}); 0 when unknown (then none).
     * @param shaped  whether the runs' links were shaped.
     * @param macRate a MAC's bytes per CPU-second on one thread ({@code DataPlaneProbe.macBytesPerSec}), asked at most
     *                once per MAC, after the runs.
     * @return the CPU-bound cost for every ratio of a MAC'd {@code sync} row against {@code none}, in the order of {@code ratios}.
     */
    static List<MacCpuCost> of(final ScaleSweep sweep, final Map<StepRatio.Key, List<ScaleRun>> repeats,
        final List<StepRatio> ratios, final long params, final boolean shaped,
        final ToDoubleFunction<ChunkAuth> macRate)
    {
        final List<MacCpuCost> costs = new ArrayList<>();
        if (params <= 0)
        {
            return costs;
        }
        final Map<ChunkAuth, Double> rates = new HashMap<>();
        for (final StepRatio ratio : ratios)
        {
            for (final StepRatio.Key key : repeats.keySet())
            {
                final ScaleSettings row = key.settings();
                if (key.workers() != ratio.workers() || !row.label().equals(ratio.label()) || !macd(row) ||
                    !ScaleSettings.DEFAULT_CONSISTENCY.equals(row.consistency()))
                {
                    continue;
                }
                for (final ScaleSettings base : sweep.baselinesOf(row))
                {
                    final List<ScaleRun> baseRuns = repeats.get(new StepRatio.Key(base, key.workers()));
                    if (null != baseRuns && base.label().equals(ratio.against()) && isNone(base.auth()))
                    {
                        final ChunkAuth mac = mac(row.auth());
                        final double rate = rates.computeIfAbsent(mac, macRate::applyAsDouble);
                        costs.add(cost(row, ScaleRun.median(baseRuns), ratio, mac, rate, params, shaped));
                    }
                }
            }
        }
        return costs;
    }

    private static MacCpuCost cost(final ScaleSettings row, final ScaleRun none, final StepRatio ratio,
        final ChunkAuth mac, final double rate, final long params, final boolean shaped)
    {
        final int gradientBytes = Compression.fromLabel(row.gradientCompression()).bytesPerValue();
        final int weightBytes = Compression.fromLabel(row.weightCompression()).bytesPerValue();
        return new MacCpuCost(ratio.workers(), mac.label(), MacCpuCost.macBytesPerStep(params, ratio.workers(),
            gradientBytes, weightBytes), rate, ratio.workers() + row.servers(), cores(none.cpus()),
            none.stepSeconds(), ratio.median(), shaped, gradientBytes == 0 || weightBytes == 0);
    }

    /** @return the CPUs in a run's list ({@code server_stats.cpus}), else those this JVM may use. */
    static int cores(final String cpus)
    {
        return cpus.isEmpty() ? Runtime.getRuntime().availableProcessors() : CpuList.parse(cpus).size();
    }

    private static boolean macd(final ScaleSettings row)
    {
        return null != row.auth() && !isNone(row.auth());
    }

    private static boolean isNone(final String auth)
    {
        return null != auth && DataPlaneAuth.parse(auth, "--auth") == DataPlaneAuth.NONE;
    }

    /**
     * @param auth a row's {@code --auth}, or null for the nodes' setting ({@code auto}).
     * @return the chunk tag a row's nodes run (every {@code bench scale} run has a cluster key): {@code none}'s CRC32C,
     * else its MAC ({@link #mac}).
     */
    static ChunkAuth chunkTag(final String auth)
    {
        if (null == auth)
        {
            return FastestMac.onThisRuntime();
        }
        return isNone(auth) ? ChunkAuth.CRC_ONLY : mac(auth);
    }

    /** @return the MAC a row's nodes run: {@code auto} is this runtime's fastest, as their server picks it. */
    static ChunkAuth mac(final String auth)
    {
        final DataPlaneAuth setting = DataPlaneAuth.parse(auth, "--auth");
        return setting == DataPlaneAuth.AUTO ? FastestMac.onThisRuntime() : ChunkAuth.fromLabel(setting.toString());
    }
}
