package io.descent.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ReportPlotsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldDrawCurvesForASingleProcessReport() throws IOException
    {
        final Path png = dir.resolve("r.json.png");
        ReportPlots.write(Map.of("epochs", List.of(
            Map.of("epoch", 1, "train_loss", 0.9, "val_loss", 0.8, "val_accuracy", 0.7),
            Map.of("epoch", 2, "train_loss", 0.5, "val_loss", 0.6, "val_accuracy", 0.8))), png);
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(400, image.getHeight(), "one row: loss and accuracy");
        assertNotEquals(image.getRGB(0, 0), image.getRGB(640 / 2, 400 / 2), "something is drawn");
    }

    @Test
    void shouldAddWorkerThroughputAndTimeBreakdownForClusterReports() throws IOException
    {
        final Path png = ReportPlots.pathFor(dir.resolve("cluster.json"));
        ReportPlots.write(Map.of(
            "epochs", List.of(Map.of("epoch", 1, "train_loss", 0.9, "val_loss", 0.8, "val_rmse", 0.3)),
            "worker_stats", List.of(
                Map.of("rank", 0, "samples_per_sec", 1000.0, "compute_s", 5.0, "push_s", 1.0, "wait_s", 0.5),
                Map.of("rank", 1, "samples_per_sec", 900.0, "compute_s", 5.5, "push_s", 1.2, "wait_s", 0.2)),
            "server_stats", Map.of("update_s", 0.7)), png);
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(800, image.getHeight(), "two rows: curves, then throughput and breakdown");
        try (var files = Files.list(dir))
        {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
