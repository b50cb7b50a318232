package io.descent.bench.scale;

import io.descent.report.AtomicFiles;
import io.descent.report.JsonReports;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes a scaling experiment as scale.json, scale.csv and scale.png (each atomically): one row per (workers,
 * settings), each row's efficiency against the run of the same settings with the fewest workers, the plot's series
 * named by the settings. Stateless.
 */
final class ScaleOutputs
{
    private ScaleOutputs()
    {
    }

    /**
     * @param runs   the rows, ordered by worker count within each settings.
     * @param ratios what each swept setting costs ({@link StepRatio}), or none.
     * @param setup  the experiment's fields, first in the report.
     * @return the report: the setup, {@code runs} and, when a setting was swept, {@code step_ratios}.
     */
    static Map<String, Object> json(
        final List<ScaleRun> runs, final List<StepRatio> ratios, final Map<String, Object> setup)
    {
        final Map<String, Object> json = new LinkedHashMap<>(setup);
        final List<Map<String, Object>> rows = new ArrayList<>();
        runs.forEach(run -> rows.add(run.toJson(run.baselineIn(runs))));
        json.put("runs", rows);
        if (!ratios.isEmpty())
        {
            json.put("step_ratios", ratios.stream().map(StepRatio::toJson).toList());
        }
        return json;
    }

    static void writeDirectory(final Path dir, final List<ScaleRun> runs, final Map<String, Object> json)
    {
        JsonReports.writeAtomically(dir.resolve("scale.json"), json);
        final StringBuilder csv =
            new StringBuilder("mode,workers,label,servers,consistency,data_plane_auth,samples_per_sec,efficiency,step_s,compute_s,comm_s,repeats," +
                "samples_per_sec_min,samples_per_sec_max,compute_only_samples_per_sec,ceiling,lockstep_samples_per_sec," +
                "lockstep_ceiling,with_server_samples_per_sec,ceiling_with_server,with_server_lockstep_samples_per_sec," +
                "lockstep_ceiling_with_server,cpus,compression\n");
        for (final ScaleRun run : runs)
        {
            final ScaleRun base = run.baselineIn(runs);
            final Map<String, Object> settings = run.settings().toJson();
            // A CPU list may hold commas ("0,2"), a label too: quoted.
            csv.append(String.format(Locale.ROOT,
                "%s,%d,\"%s\",%d,%s,%s,%.1f,%.4f,%.6f,%.6f,%.6f,%d,%.1f,%.1f,%s,%s,\"%s\",%s%n",
                run.mode(), run.workers(), run.settings().label(), run.settings().servers(),
                run.settings().consistency(), settings.get("data_plane_auth"), run.samplesPerSec(),
                run.efficiency(base), run.stepSeconds(), run.computeSeconds(), run.commSeconds(), run.repeats(),
                run.minSamplesPerSec(), run.maxSamplesPerSec(), run.hasCeiling() ? String.format(Locale.ROOT,
                    "%.1f,%.4f,%.1f,%.4f", run.computeOnly().free(), run.ceiling(base), run.computeOnly().lockstep(),
                    run.lockstepCeiling(base)) : ",,,", run.hasServerCeiling() ? String.format(Locale.ROOT,
                    "%.1f,%.4f,%.1f,%.4f", run.withServer().free(), run.ceilingWithServer(base),
                    run.withServer().lockstep(), run.lockstepCeilingWithServer(base)) : ",,,", run.cpus(), run.settings().compressionName()));
        }
        AtomicFiles.write(dir.resolve("scale.csv"), path -> Files.writeString(path, csv));
        final BufferedImage image = plot(runs);
        AtomicFiles.write(dir.resolve("scale.png"), path -> ImageIO.write(image, "png", path.toFile()));
    }

    private static BufferedImage plot(final List<ScaleRun> runs)
    {
        System.setProperty("java.awt.headless", "true");
        final Map<ScaleSettings, List<ScaleRun>> groups = new LinkedHashMap<>();
        runs.forEach(run -> groups.computeIfAbsent(run.settings(), settings -> new ArrayList<>()).add(run));
        final ScaleRun first = runs.get(0);
        final XYChart speed = new XYChartBuilder().width(640).height(400)
            .title("Throughput vs workers (" + first.mode() + ")")
            .xAxisTitle("workers").yAxisTitle("samples/s").build();
        final XYChart eff = new XYChartBuilder().width(640).height(400).title("Weak-scaling efficiency")
            .xAxisTitle("workers").yAxisTitle("efficiency").build();
        groups.forEach((settings, group) ->
        {
            final String name = groups.size() == 1 || settings.label().isEmpty() ? "measured" : settings.label();
            final ScaleRun base = group.get(0);
            final List<Double> workers = group.stream().map(run -> (double)run.workers()).toList();
            speed.addSeries(name, workers, group.stream().map(ScaleRun::samplesPerSec).toList());
            eff.addSeries(name, workers, group.stream().map(run -> run.efficiency(base)).toList());
        });
        // The ideal and the compute-only ceilings do not depend on the settings: the first group's.
        final List<ScaleRun> group = groups.values().iterator().next();
        final ScaleRun base = group.get(0);
        final List<Double> workers = group.stream().map(run -> (double)run.workers()).toList();
        speed.addSeries("ideal (linear)", workers, group.stream()
            .map(run -> base.samplesPerSec() * run.workers() / base.workers()).toList());
        eff.addSeries("ideal", workers, workers.stream().map(w -> 1.0).toList());
        if (base.hasCeiling())
        {
            speed.addSeries("compute only, free", workers, group.stream().map(run -> run.computeOnly().free())
                .toList());
            eff.addSeries("compute only, free", workers, group.stream().map(run -> run.ceiling(base)).toList());
            eff.addSeries("compute only, in lockstep", workers, group.stream().map(run -> run.lockstepCeiling(base))
                .toList());
        }
        if (base.hasServerCeiling())
        {
            eff.addSeries("with server, in lockstep", workers, group.stream()
                .map(run -> run.lockstepCeilingWithServer(base)).toList());
        }
        speed.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        eff.getStyler().setYAxisMin(0.0).setYAxisMax(1.1);
        eff.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        final BufferedImage image = new BufferedImage(1280, 400, BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = image.createGraphics();
        graphics.drawImage(BitmapEncoder.getBufferedImage(speed), 0, 0, null);
        graphics.drawImage(BitmapEncoder.getBufferedImage(eff), 640, 0, null);
        graphics.dispose();
        return image;
    }
}
