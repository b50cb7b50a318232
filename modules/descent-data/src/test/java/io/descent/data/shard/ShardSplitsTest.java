package io.descent.data.shard;

import com.typesafe.config.ConfigFactory;
import io.descent.data.DataSplits;
import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.SourceSplits;
import io.descent.data.load.DataLoader;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.settings.DataSettings;
import io.descent.data.synthetic.Synthetic;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code data.source = shards}: seeded held-out splits or separate sets, streamed; the same rows as a CSV gives. */
class ShardSplitsTest
{
    @TempDir
    Path tmp;

    private static DataSettings settings(final String userSection)
    {
        return DataSettings.from(ConfigFactory.parseString(userSection)
            .withFallback(ConfigFactory.defaultReference().getConfig(DataSettings.REFERENCE_PATH)));
    }

    @Test
    void shouldHoldOutDisjointSeededTestAndValidationRows()
    {
        final Dataset data = Synthetic.regressionFunction(1000, 3, 0.1, 5);
        final Path dir = tmp.resolve("set");
        Sharder.write(data, dir, 3, Scaler.fit(ScalingKind.NONE, data), "");
        final DataSettings settings = settings("source = shards, scaling = none, validation-fraction = 0.2, " +
            "shards { dir = \"" + dir + "\", test-fraction = 0.1 }");
        final SourceSplits splits = DataLoader.open(settings, 7, 0);
        assertEquals(100, splits.test().size());
        assertEquals(180, splits.validation().size());
        assertEquals(720, splits.train().size());
        final Set<Float> seen = new HashSet<>();
        for (final ExampleSource split : new ExampleSource[]{ splits.train(), splits.validation(), splits.test() })
        {
            for (final float y : ((ShardSource)split).toDataset().targets())
            {
                assertTrue(seen.add(y), "every row in exactly one split");
            }
        }
        assertEquals(1000, seen.size());
        final DataSplits again = DataLoader.load(settings, 7);
        assertArrayEquals(((ShardSource)splits.validation()).toDataset().targets(), again.validation().targets());
    }

    @Test
    void shouldSplitTheRowsACsvWouldSplit() throws Exception
    {
        final Dataset data = Synthetic.linearRegression(300, new double[]{ 1, 2 }, 0, 0.1, 2);
        final StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < data.size(); i++)
        {
            csv.append(data.features()[2 * i]).append(',').append(data.features()[2 * i + 1]).append(',')
                .append(data.targets()[i]).append('\n');
        }
        final Path file = java.nio.file.Files.writeString(tmp.resolve("d.csv"), csv);
        final Path dir = tmp.resolve("set");
        Sharder.write(data, dir, 2, Scaler.fit(ScalingKind.NONE, data), "");
        final DataSplits fromCsv = DataLoader.load(settings("source = csv, scaling = none, csv { path = \"" + file +
            "\", target = y, task = regression, test-fraction = 0.2 }"), 9);
        final SourceSplits fromShards = DataLoader.open(settings("source = shards, scaling = none, " +
            "shards { dir = \"" + dir + "\", test-fraction = 0.2 }"), 9, 0);
        assertArrayEquals(fromCsv.train().targets(), ((ShardSource)fromShards.train()).toDataset().targets());
        assertArrayEquals(fromCsv.test().targets(), ((ShardSource)fromShards.test()).toDataset().targets());
    }

    @Test
    void shouldUseSeparateValidationAndTestSetsAndRejectMismatchedOnes()
    {
        final Dataset train = Synthetic.teacher(400, 4, 4, 3, 1);
        final Dataset other = Synthetic.teacher(50, 4, 4, 3, 2);
        Sharder.write(train, tmp.resolve("train"), 2, Scaler.fit(ScalingKind.NONE, train), "");
        Sharder.write(other, tmp.resolve("val"), 1, Scaler.fit(ScalingKind.NONE, other), "");
        Sharder.write(other, tmp.resolve("test"), 1, Scaler.fit(ScalingKind.NONE, other), "");
        final SourceSplits splits = DataLoader.open(settings("source = shards, shards { dir = \"" +
            tmp.resolve("train") + "\", validation-dir = \"" + tmp.resolve("val") + "\", test-dir = \"" +
            tmp.resolve("test") + "\" }"), 1, 0);
        assertEquals(400, splits.train().size());
        assertEquals(50, splits.validation().size());
        assertEquals(50, splits.test().size());

        final Dataset wide = Synthetic.teacher(50, 5, 4, 3, 2);
        Sharder.write(wide, tmp.resolve("wide"), 1, Scaler.fit(ScalingKind.NONE, wide), "");
        final BadInputException ex = assertThrows(BadInputException.class, () -> DataLoader.open(settings(
            "source = shards, shards { dir = \"" + tmp.resolve("train") + "\", test-dir = \"" +
            tmp.resolve("wide") + "\" }"), 1, 0));
        assertTrue(ex.getMessage().contains("data.shards.test-dir"), ex.getMessage());
    }

    @Test
    void shouldRequireAShardDirectory()
    {
        final BadInputException ex = assertThrows(BadInputException.class, () -> settings("source = shards"));
        assertTrue(ex.getMessage().contains("data.shards.dir"), ex.getMessage());
    }
}
