package io.descent.data.shard;

import io.descent.data.Dataset;
import io.descent.data.Task;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.synthetic.Synthetic;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer either leaves a complete shard set at the output path or nothing at all. */
class ShardSetWriterTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldLeaveNothingWhenARowFailsMidWay() throws IOException
    {
        final Dataset clean = Synthetic.linearRegression(1000, new double[]{ 1, 2 }, 0, 0.1, 1);
        final float[] features = clean.features().clone();
        features[2 * 700 + 1] = Float.NaN;
        final Dataset broken = Dataset.regression(features, 2, clean.targets(), 1, List.of());
        final Path out = tmp.resolve("out");
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> Sharder.write(broken, out, 4, Scaler.fit(ScalingKind.NONE, clean), ""));
        assertTrue(ex.getMessage().contains("row 700"), ex.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), listing(tmp), "no temporary directory is left behind");
    }

    @Test
    void shouldLeaveNothingWhenClosedBeforeFinishing() throws IOException
    {
        final Path out = tmp.resolve("out");
        final ShardLayout layout = new ShardLayout(Task.REGRESSION, 3, 1, List.of(), List.of(), 10, 2,
            AppliedScaling.NONE, "");
        try (ShardSetWriter writer = ShardSetWriter.create(out, layout))
        {
            for (int i = 0; i < 7; i++)
            {
                writer.write(new float[]{ i, i, i }, 0, new float[]{ i }, 0);
            }
            assertThrows(IllegalStateException.class, writer::finish);
        }
        assertFalse(Files.exists(out));
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void shouldWriteIntoAnEmptyDirectoryButRefuseAnExistingSet() throws IOException
    {
        final Dataset data = Synthetic.xor(50, 0.1, 2);
        final Path out = Files.createDirectory(tmp.resolve("empty"));
        Sharder.write(data, out, 2, Scaler.fit(ScalingKind.NONE, data), "");
        assertEquals(List.of("manifest.json", "shard-00000.bin", "shard-00001.bin"), listing(out));
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> Sharder.write(data, out, 2, Scaler.fit(ScalingKind.NONE, data), ""));
        assertTrue(ex.getMessage().contains("already exists"), ex.getMessage());
        assertEquals(List.of("empty"), listing(tmp));
    }

    @Test
    void shouldRejectMoreShardsThanRows()
    {
        final Dataset data = Synthetic.xor(5, 0.1, 2);
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> Sharder.write(data, tmp.resolve("o"), 6, Scaler.fit(ScalingKind.NONE, data), ""));
        assertTrue(ex.getMessage().contains("--shards 6"), ex.getMessage());
    }

    @Test
    void shouldSpreadRowsOverShardsOfEqualSizeButTheLast()
    {
        final Dataset data = Synthetic.xor(10, 0.1, 2);
        final ShardManifest manifest = Sharder.write(data, tmp.resolve("o"), 4, Scaler.fit(ScalingKind.NONE, data), "");
        assertEquals(List.of(3L, 3L, 3L, 1L), manifest.shards().stream().map(ShardEntry::rows).toList());
        assertEquals(ShardFormat.HEADER_BYTES + 3 * 4 * Float.BYTES, manifest.shards().get(0).bytes());
    }

    private static List<String> listing(final Path dir) throws IOException
    {
        try (Stream<Path> children = Files.list(dir))
        {
            return children.map((p) -> p.getFileName().toString()).sorted().toList();
        }
    }
}
