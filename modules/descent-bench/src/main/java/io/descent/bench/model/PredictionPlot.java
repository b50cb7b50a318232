package io.descent.bench.model;

import io.descent.report.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The predictions as a PNG (XChart, as {@code bench scale}'s scale.png): throughput and weak-scaling efficiency
 * against workers on log axes, one series per (model, servers). Stateless.
 */
final class PredictionPlot
{
    private PredictionPlot()
    {
    }

    /**
     * One predicted point.
     *
     * @param series     e.g. "784-512-256-10, 4 servers".
     * @param workers    N.
     * @param samplesPerSec predicted throughput.
     * @param efficiency predicted weak-scaling efficiency.
     */
    record Point(String series, int workers, double samplesPerSec, double efficiency)
    {
    }

    /** Writes the plot to {@code file} atomically. */
    static void write(final Path file, final String title, final List<Point> points)
    {
        System.setProperty("java.awt.headless", "true");
        final XYChart speed = new XYChartBuilder().width(640).height(440).title("Predicted throughput (" + title +
            ")").xAxisTitle("workers").yAxisTitle("samples/s").build();
        final XYChart eff = new XYChartBuilder().width(640).height(440).title("Predicted weak-scaling efficiency")
            .xAxisTitle("workers").yAxisTitle("efficiency").build();
        final Map<String, List<Point>> series = new LinkedHashMap<>();
        points.forEach(point -> series.computeIfAbsent(point.series(), name -> new java.util.ArrayList<>()).add(point));
        series.forEach((name, group) ->
        {
            final List<Double> workers = group.stream().map(point -> (double)point.workers()).toList();
            speed.addSeries(name, workers, group.stream().map(Point::samplesPerSec).toList());
            eff.addSeries(name, workers, group.stream().map(Point::efficiency).toList());
        });
        speed.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true)
            .setLegendPosition(Styler.LegendPosition.InsideNW);
        eff.getStyler().setXAxisLogarithmic(true).setYAxisMin(0.0).setYAxisMax(1.05)
            .setLegendPosition(Styler.LegendPosition.InsideSW);
        final BufferedImage image = new BufferedImage(1280, 440, BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = image.createGraphics();
        graphics.drawImage(BitmapEncoder.getBufferedImage(speed), 0, 0, null);
        graphics.drawImage(BitmapEncoder.getBufferedImage(eff), 640, 0, null);
        graphics.dispose();
        AtomicFiles.write(file, path -> ImageIO.write(image, "png", path.toFile()));
    }
}
