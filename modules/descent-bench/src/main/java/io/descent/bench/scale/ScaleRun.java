package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker count's result, read from the training report of its measured (last) epoch; with repeats, the median
 * run of that count ({@link #median}).
 *
 * @param mode           where it ran: {@code local}, {@code netns} or {@code k8s}.
 * @param workers        worker processes.
 * @param samplesPerSec  training throughput of the measured epoch, all workers together.
 * @param stepSeconds    wall time per synchronous step.
 * @param computeSeconds forward + backward per step of the measured epoch, mean over workers.
 * @param commSeconds    push + wait (transfers, server update, hops) per step of the measured epoch, mean over workers.
 * @param repeats        runs of this count the result stands for.
 * @param minSamplesPerSec the slowest of those runs.
 * @param maxSamplesPerSec the fastest of those runs.
 * @param computeOnly    the {@link ComputeCeiling compute-only} throughput of this count, or null when not measured.
 * @param withServer     the throughput of this count's workers beside a process doing the server's work
 *                       ({@link ComputeCeiling#measure(int[], java.nio.file.Path, io.descent.transport.wire.ChunkAuth,
 *                       java.io.PrintStream) the ceiling with the server's work}), or null when not measured.
 * @param cpus           the CPUs the run's parameter server could use (its report's {@code server_stats.cpus},
 *                       e.g. "0-1"), or "" when the report does not say.
 * @param settings       the cluster settings of the run (its row of a sweep).
 */
record ScaleRun(String mode, int workers, double samplesPerSec, double stepSeconds, double computeSeconds,
    double commSeconds, int repeats, double minSamplesPerSec, double maxSamplesPerSec,
    ComputeCeiling.Throughput computeOnly, ComputeCeiling.Throughput withServer, String cpus, ScaleSettings settings)
{
    /**
     * @param report a cluster run's parameter server report: its last epoch is the measured one, with that epoch's
     *               own steps and the workers' mean compute and communication seconds in it.
     */
    static ScaleRun fromReport(
        final String mode, final int workers, final ScaleSettings settings, final int batch, final JsonNode report)
    {
        final JsonNode epochs = report.get("epochs");
        final JsonNode measured = epochs.get(epochs.size() - 1);
        for (final String field : new String[]{ "samples_per_sec", "steps", "compute_s", "comm_s" })
        {
            if (!measured.hasNonNull(field))
            {
                throw new IllegalStateException("the " + workers + "-worker run's report has no '" + field +
                    "' in its last epoch: " + measured);
            }
        }
        final double samplesPerSec = measured.get("samples_per_sec").asDouble();
        final double steps = Math.max(1, measured.get("steps").asDouble());
        return new ScaleRun(mode, workers, samplesPerSec, (double)workers * batch / samplesPerSec,
            measured.get("compute_s").asDouble() / steps, measured.get("comm_s").asDouble() / steps, 1, samplesPerSec,
            samplesPerSec, null, null, report.path("server_stats").path("cpus").asText(""), settings);
    }

    /** @return this run with the compute-only throughput of its count. */
    ScaleRun withComputeOnly(final ComputeCeiling.Throughput throughput)
    {
        return new ScaleRun(mode, workers, samplesPerSec, stepSeconds, computeSeconds, commSeconds, repeats,
            minSamplesPerSec, maxSamplesPerSec, throughput, withServer, cpus, settings);
    }

    /** @return this run with its count's throughput beside the server's work. */
    ScaleRun withServerWork(final ComputeCeiling.Throughput throughput)
    {
        return new ScaleRun(mode, workers, samplesPerSec, stepSeconds, computeSeconds, commSeconds, repeats,
            minSamplesPerSec, maxSamplesPerSec, computeOnly, throughput, cpus, settings);
    }

    /** @return true when the ceiling with the server's work was measured. */
    boolean hasServerCeiling()
    {
        return null != withServer;
    }

    /** @return true when the compute-only ceiling was measured. */
    boolean hasCeiling()
    {
        return null != computeOnly;
    }

    /**
     * @param repeats runs of one worker count.
     * @return the median run by throughput (the slower of the middle two for an even count), with the range of all.
     */
    static ScaleRun median(final List<ScaleRun> repeats)
    {
        final List<ScaleRun> sorted = repeats.stream().sorted(Comparator.comparingDouble(ScaleRun::samplesPerSec))
            .toList();
        final ScaleRun middle = sorted.get((sorted.size() - 1) / 2);
        return new ScaleRun(middle.mode, middle.workers, middle.samplesPerSec, middle.stepSeconds,
            middle.computeSeconds, middle.commSeconds, sorted.size(), sorted.get(0).samplesPerSec,
            sorted.get(sorted.size() - 1).samplesPerSec, middle.computeOnly, middle.withServer, middle.cpus, middle.settings);
    }

    /**
     * @param baseline the run with the fewest workers and the same settings ({@link #baselineIn}).
     * @return weak-scaling efficiency: throughput ÷ (workers/baseline workers × baseline throughput).
     */
    double efficiency(final ScaleRun baseline)
    {
        return scaled(samplesPerSec, baseline, baseline.samplesPerSec);
    }

    /** @return weak-scaling efficiency of a throughput: {@code rate} ÷ (workers/baseline workers × {@code base}). */
    private double scaled(final double rate, final ScaleRun baseline, final double base)
    {
        return rate / ((double)workers / baseline.workers * base);
    }

    /**
     * @param runs runs ordered by workers within each settings.
     * @return the first of {@code runs} with this run's settings: its baseline.
     */
    ScaleRun baselineIn(final List<ScaleRun> runs)
    {
        return runs.stream().filter(run -> run.settings.equals(settings)).findFirst().orElse(this);
    }

    /**
     * @param baseline the run with the fewest workers.
     * @return the weak-scaling efficiency of the free-running compute-only processes (the ceiling of
     * {@link #efficiency} on this host), or NaN when not measured.
     */
    double ceiling(final ScaleRun baseline)
    {
        return hasCeiling() && baseline.hasCeiling() ? scaled(computeOnly.free(), baseline,
            baseline.computeOnly.free()) : Double.NaN;
    }

    /**
     * @param baseline the run with the fewest workers.
     * @return the weak-scaling efficiency of the compute-only processes in lockstep (the ceiling of a synchronous
     * trainer's {@link #efficiency} on this host, communication free), or NaN when not measured.
     */
    double lockstepCeiling(final ScaleRun baseline)
    {
        return hasCeiling() && baseline.hasCeiling() ? scaled(computeOnly.lockstep(), baseline,
            baseline.computeOnly.lockstep()) : Double.NaN;
    }

    /**
     * @param baseline the run with the fewest workers.
     * @return the weak-scaling efficiency of the workers' processes running free beside the server's work (both
     * counts with the server's process), or NaN when not measured.
     */
    double ceilingWithServer(final ScaleRun baseline)
    {
        return hasServerCeiling() && baseline.hasServerCeiling() ? scaled(withServer.free(), baseline,
            baseline.withServer.free()) : Double.NaN;
    }

    /**
     * @param baseline the run with the fewest workers.
     * @return the weak-scaling efficiency of the workers' and the server's processes in lockstep (the ceiling of a
     * synchronous trainer's {@link #efficiency} on this host with its server's CPU work, the network free), or NaN
     * when not measured.
     */
    double lockstepCeilingWithServer(final ScaleRun baseline)
    {
        return hasServerCeiling() && baseline.hasServerCeiling() ? scaled(withServer.lockstep(), baseline,
            baseline.withServer.lockstep()) : Double.NaN;
    }

    Map<String, Object> toJson(final ScaleRun baseline)
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", mode);
        json.put("workers", workers);
        json.putAll(settings.toJson());
        json.put("samples_per_sec", samplesPerSec);
        json.put("efficiency", efficiency(baseline));
        json.put("step_s", stepSeconds);
        json.put("compute_s", computeSeconds);
        json.put("comm_s", commSeconds);
        json.put("repeats", repeats);
        json.put("samples_per_sec_min", minSamplesPerSec);
        json.put("samples_per_sec_max", maxSamplesPerSec);
        json.put("cpus", cpus);
        if (hasCeiling())
        {
            json.put("compute_only_samples_per_sec", computeOnly.free());
            json.put("ceiling", ceiling(baseline));
            json.put("lockstep_samples_per_sec", computeOnly.lockstep());
            json.put("lockstep_ceiling", lockstepCeiling(baseline));
            json.put("efficiency_of_ceiling", efficiency(baseline) / lockstepCeiling(baseline));
        }
        if (hasServerCeiling())
        {
            json.put("with_server_samples_per_sec", withServer.free());
            json.put("ceiling_with_server", ceilingWithServer(baseline));
            json.put("with_server_lockstep_samples_per_sec", withServer.lockstep());
            json.put("lockstep_ceiling_with_server", lockstepCeilingWithServer(baseline));
            json.put("with_server_server_step_s", withServer.serverStepSeconds());
            json.put("efficiency_of_ceiling_with_server", efficiency(baseline) / lockstepCeilingWithServer(baseline));
        }
        return json;
    }
}
