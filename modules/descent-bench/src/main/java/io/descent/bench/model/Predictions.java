package io.descent.bench.model;

import io.descent.cluster.Consistency;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints and collects the model's predictions for one MLP over worker and server counts: a table row per (servers,
 * workers) with the step's breakdown, throughput, weak-scaling efficiency and BytePS's communication bound for the
 * same machines. Used by one thread.
 */
final class Predictions
{
    private final StepTimeModel model;
    private final int batch;
    private final double linkBytesPerSec;
    private final double latencySeconds;
    private final double compression;
    private final Consistency.Mode consistency;
    private final boolean pipelined;

    Predictions(final StepTimeModel model, final int batch, final double linkBytesPerSec, final double latencySeconds,
        final double compression, final Consistency.Mode consistency, final boolean pipelined)
    {
        this.pipelined = pipelined;
        this.model = model;
        this.batch = batch;
        this.linkBytesPerSec = linkBytesPerSec;
        this.latencySeconds = latencySeconds;
        this.compression = compression;
        this.consistency = consistency;
    }

    /**
     * @return the consistency a shape is timed by: ssp and async overlap a worker's communication with its next
     * computation only when pipelined ({@code descent.cluster.pipeline = on}), which this build does with one server;
     * otherwise a worker waits for its weights after each push, as under sync.
     */
    static Consistency.Mode timing(final Consistency.Mode consistency, final boolean pipelined, final int servers)
    {
        return StepTimeModel.overlapped(consistency) && !(pipelined && servers == 1) ? Consistency.Mode.SYNC :
            consistency;
    }

    /**
     * @param name    the model's name (its widths).
     * @param bytes   M.
     * @param compute one worker's compute seconds per step.
     * @param workers the worker counts.
     * @param servers the server counts.
     * @param points  where the plot's points go.
     * @return the rows as report objects.
     */
    List<Map<String, Object>> print(final String name, final long bytes, final double compute, final int[] workers,
        final int[] servers, final List<PredictionPlot.Point> points, final PrintStream out)
    {
        out.printf(Locale.ROOT, "%nmodel %s: %.1f MB, compute %.2f ms a step per worker%n", name, bytes / 1e6,
            compute * 1e3);
        out.println("servers  workers  step ms  compute  push ms  server ms  pull ms  overlap  fixed ms   " +
            "samples/s  efficiency  BytePS bound ms");
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (final int s : servers)
        {
            for (final int n : workers)
            {
                final ClusterShape shape = new ClusterShape(n, s, bytes, batch, compute, linkBytesPerSec,
                    latencySeconds, compression, timing(consistency, pipelined, s));
                final StepBreakdown step = model.predict(shape);
                final double speed = step.samplesPerSec(n, batch);
                final double efficiency = model.efficiency(shape);
                final double bound = BytePsBound.seconds(n, s, bytes / compression, linkBytesPerSec);
                out.printf(Locale.ROOT, "%7d  %7d  %7.1f  %7.1f  %7.1f  %9.2f  %7.1f  %7.1f  %8.2f  %10.0f  %10.3f  " +
                    "%15.1f%n", s, n, step.step() * 1e3, step.compute() * 1e3, step.push() * 1e3, step.server() * 1e3,
                    step.pull() * 1e3, step.overlap() * 1e3, step.fixed() * 1e3, speed, efficiency, bound * 1e3);
                points.add(new PredictionPlot.Point(name + ", " + s + (s == 1 ? " server" : " servers"), n, speed,
                    efficiency));
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", name);
                row.put("model_bytes", bytes);
                row.put("servers", s);
                row.put("workers", n);
                row.put("overlapped", StepTimeModel.overlapped(shape.consistency()));
                row.put("step_s", step.step());
                row.put("compute_s", step.compute());
                row.put("push_s", step.push());
                row.put("server_s", step.server());
                row.put("pull_s", step.pull());
                row.put("overlap_s", step.overlap());
                row.put("fixed_s", step.fixed());
                row.put("samples_per_sec", speed);
                row.put("efficiency", efficiency);
                row.put("byteps_bound_s", bound);
                rows.add(row);
            }
        }
        return rows;
    }
}
