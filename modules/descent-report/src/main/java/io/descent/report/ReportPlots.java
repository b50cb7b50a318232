package io.descent.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws a training report (the map written as JSON) as one PNG beside it: loss curves and the validation metric
 * per epoch; when the report has worker statistics, each worker's throughput and the step-time breakdown
 * (compute / push / wait per worker, update on the server). Written atomically like the report.
 */
public final class ReportPlots
{
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;

    private ReportPlots()
    {
    }

    /**
     * Writes a training report as JSON and its pictures beside it ({@link #pathFor}), both atomically.
     *
     * @param file   the JSON report file.
     * @param report the report tree.
     */
    public static void writeWithJson(final Path file, final Map<String, Object> report)
    {
        JsonReports.writeAtomically(file, report);
        write(report, pathFor(file));
    }

    /** @return where the pictures of {@code report} go: {@code report.png} beside it. */
    public static Path pathFor(final Path report)
    {
        return report.resolveSibling(report.getFileName() + ".png");
    }

    /**
     * @param report the report's JSON tree (maps, lists, numbers), as given to {@link JsonReports}.
     * @param target the PNG file.
     */
    public static void write(final Map<String, Object> report, final Path target)
    {
        System.setProperty("java.awt.headless", "true");
        final List<Chart<?, ?>> charts = new ArrayList<>();
        final List<Map<String, Object>> epochs = list(report.get("epochs"));
        if (!epochs.isEmpty())
        {
            charts.add(lossChart(epochs));
            charts.add(qualityChart(epochs));
        }
        final List<Map<String, Object>> workers = list(report.get("worker_stats"));
        if (!workers.isEmpty())
        {
            charts.add(throughputChart(workers));
            // With parameter-server shards, server_stats lists one entry per shard: the coordinator's is first.
            final Object servers = report.get("server_stats");
            charts.add(breakdownChart(workers, map(servers instanceof List<?> list && !list.isEmpty() ? list.get(0) :
                servers)));
        }
        if (charts.isEmpty())
        {
            return;
        }
        final BufferedImage image = compose(charts);
        AtomicFiles.write(target, path -> ImageIO.write(image, "png", path.toFile()));
    }

    private static XYChart lossChart(final List<Map<String, Object>> epochs)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Loss per epoch")
            .xAxisTitle("epoch").yAxisTitle("loss").build();
        chart.addSeries("train", column(epochs, "epoch"), column(epochs, "train_loss"));
        chart.addSeries("validation", column(epochs, "epoch"), column(epochs, "val_loss"));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    private static XYChart qualityChart(final List<Map<String, Object>> epochs)
    {
        final boolean accuracy = epochs.get(0).containsKey("val_accuracy");
        final String key = accuracy ? "val_accuracy" : "val_rmse";
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title(accuracy ? "Validation accuracy" : "Validation RMSE").xAxisTitle("epoch")
            .yAxisTitle(accuracy ? "accuracy" : "RMSE").build();
        chart.addSeries(key, column(epochs, "epoch"), column(epochs, key));
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    private static CategoryChart throughputChart(final List<Map<String, Object>> workers)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Throughput per worker").xAxisTitle("worker rank").yAxisTitle("samples/s").build();
        chart.addSeries("samples/s", ranks(workers), column(workers, "samples_per_sec"));
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    private static CategoryChart breakdownChart(final List<Map<String, Object>> workers, final Map<String, Object> server)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Time per worker (server update on the right)").xAxisTitle("worker rank").yAxisTitle("seconds")
            .build();
        final List<String> names = new ArrayList<>(ranks(workers));
        names.add("server");
        for (final String part : List.of("compute_s", "push_s", "wait_s"))
        {
            final List<Double> values = new ArrayList<>(column(workers, part));
            values.add(0.0);
            chart.addSeries(part.replace("_s", ""), names, values);
        }
        final List<Double> update = new ArrayList<>();
        workers.forEach(w -> update.add(0.0));
        update.add(number(server.get("update_s")));
        chart.addSeries("update", names, update);
        chart.getStyler().setStacked(true);
        return chart;
    }

    private static BufferedImage compose(final List<Chart<?, ?>> charts)
    {
        final int columns = 2;
        final int rows = (charts.size() + columns - 1) / columns;
        final BufferedImage image = new BufferedImage(WIDTH * columns, HEIGHT * rows, BufferedImage.TYPE_INT_RGB);
        final Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < charts.size(); i++)
        {
            graphics.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)),
                (i % columns) * WIDTH, (i / columns) * HEIGHT, null);
        }
        graphics.dispose();
        return image;
    }

    private static List<String> ranks(final List<Map<String, Object>> workers)
    {
        final List<String> ranks = new ArrayList<>();
        workers.forEach(w -> ranks.add(String.valueOf(w.get("rank"))));
        return ranks;
    }

    private static List<Double> column(final List<Map<String, Object>> rows, final String key)
    {
        final List<Double> values = new ArrayList<>();
        rows.forEach(row -> values.add(number(row.get(key))));
        return values;
    }

    private static double number(final Object value)
    {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(final Object value)
    {
        return value instanceof List<?> l ? (List<Map<String, Object>>)l : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        return value instanceof Map<?, ?> m ? (Map<String, Object>)m : Map.of();
    }
}
