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

/** Writes a scaling experiment as scale.json, scale.csv and scale.png (each atomically). */
final class ScaleOutputs
{
    private ScaleOutputs()
    {
    }

    static Map<String, Object> json(final List<ScaleRun> runs, final Map<String, Object> setup)
    {
        final Map<String, Object> json = new LinkedHashMap<>(setup);
        final List<Map<String, Object>> rows = new ArrayList<>();
        runs.forEach(run -> rows.add(run.toJson(runs.get(0))));
        json.put("runs", rows);
        return json;
    }

    static void writeDirectory(final Path dir, final List<ScaleRun> runs, final Map<String, Object> json)
    {
        JsonReports.writeAtomically(dir.resolve("scale.json"), json);
        final StringBuilder csv =
            new StringBuilder("mode,workers,samples_per_sec,efficiency,step_s,compute_s,comm_s,repeats," +
                "samples_per_sec_min,samples_per_sec_max,compute_only_samples_per_sec,ceiling,lockstep_samples_per_sec," +
                "lockstep_ceiling,cpus\n");
        for (final ScaleRun run : runs)
        {
            // A CPU list may hold commas ("0,2"): quoted.
            csv.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.4f,%.6f,%.6f,%.6f,%d,%.1f,%.1f,%s,\"%s\"%n",
                run.mode(), run.workers(), run.samplesPerSec(), run.efficiency(runs.get(0)), run.stepSeconds(),
                run.computeSeconds(), run.commSeconds(), run.repeats(), run.minSamplesPerSec(),
                run.maxSamplesPerSec(), run.hasCeiling() ? String.format(Locale.ROOT, "%.1f,%.4f,%.1f,%.4f",
                    run.computeOnly().free(), run.ceiling(runs.get(0)), run.computeOnly().lockstep(),
                    run.lockstepCeiling(runs.get(0))) : ",,,", run.cpus()));
        }
        AtomicFiles.write(dir.resolve("scale.csv"), path -> Files.writeString(path, csv));
        final BufferedImage image = plot(runs);
        AtomicFiles.write(dir.resolve("scale.png"), path -> ImageIO.write(image, "png", path.toFile()));
    }

    private static BufferedImage plot(final List<ScaleRun> runs)
    {
        System.setProperty("java.awt.headless", "true");
        final List<Double> workers = new ArrayList<>();
        final List<Double> throughput = new ArrayList<>();
        final List<Double> ideal = new ArrayList<>();
        final List<Double> efficiency = new ArrayList<>();
        final List<Double> ceiling = new ArrayList<>();
        final List<Double> lockstep = new ArrayList<>();
        final ScaleRun base = runs.get(0);
        for (final ScaleRun run : runs)
        {
            workers.add((double)run.workers());
            throughput.add(run.samplesPerSec());
            ideal.add(base.samplesPerSec() * run.workers() / base.workers());
            efficiency.add(run.efficiency(base));
            ceiling.add(run.ceiling(base));
            lockstep.add(run.lockstepCeiling(base));
        }
        final XYChart speed = new XYChartBuilder().width(640).height(400)
            .title("Throughput vs workers (" + base.mode() + ")")
            .xAxisTitle("workers").yAxisTitle("samples/s").build();
        speed.addSeries("measured", workers, throughput);
        speed.addSeries("ideal (linear)", workers, ideal);
        if (base.hasCeiling())
        {
            speed.addSeries("compute only, free", workers, runs.stream().map(run -> run.computeOnly().free()).toList());
        }
        speed.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        final XYChart eff = new XYChartBuilder().width(640).height(400).title("Weak-scaling efficiency")
            .xAxisTitle("workers").yAxisTitle("efficiency").build();
        eff.addSeries("measured", workers, efficiency);
        eff.addSeries("ideal", workers, workers.stream().map(w -> 1.0).toList());
        if (base.hasCeiling())
        {
            eff.addSeries("compute only, free", workers, ceiling);
            eff.addSeries("compute only, in lockstep", workers, lockstep);
        }
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
