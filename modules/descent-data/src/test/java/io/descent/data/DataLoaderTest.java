package io.descent.data;

import com.typesafe.config.ConfigFactory;
import io.descent.data.load.DataLoader;
import io.descent.data.settings.DataSettings;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest
{
    @TempDir
    Path dir;

    private static DataSettings settings(final String userSection)
    {
        return DataSettings.from(ConfigFactory.parseString(userSection)
            .withFallback(ConfigFactory.defaultReference().getConfig(DataSettings.REFERENCE_PATH)));
    }

    @Test
    void shouldBuildScaledSyntheticSplits()
    {
        final DataSettings settings = settings(
            "source = synthetic, scaling = min-max, validation-fraction = 0.2, " +
            "synthetic { kind = teacher, samples = 1000, test-samples = 300, features = 5, classes = 3 }");
        final DataSplits splits = DataLoader.load(settings, 42);

        assertEquals(800, splits.train().size());
        assertEquals(200, splits.validation().size());
        assertEquals(300, splits.test().size());
        assertEquals(5, splits.train().numFeatures());
        assertEquals(3, splits.train().numOutputs());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (final float value : splits.train().features())
        {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        assertEquals(0.0f, min);
        assertEquals(1.0f, max);
        assertArrayEquals(splits.test().features(), DataLoader.load(settings, 42).test().features());
    }

    @Test
    void shouldHoldOutACsvTestSplit() throws IOException
    {
        final StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 100; i++)
        {
            csv.append(String.format(Locale.ROOT, "%d,%d,%s%n", i, i % 7, i % 2 == 0 ? "even" : "odd"));
        }
        final Path file = Files.writeString(dir.resolve("data.csv"), csv);
        final DataSettings settings = settings(
            "source = csv, scaling = none, csv { path = \"" + file + "\", target = y, test-fraction = 0.25 }");
        final DataSplits splits = DataLoader.load(settings, 1);

        assertEquals(75 - 8, splits.train().size());
        assertEquals(8, splits.validation().size());
        assertEquals(25, splits.test().size());
        assertEquals(Task.CLASSIFICATION, splits.train().task());
        assertTrue(splits.train().classNames().contains("odd"));

        final BadInputException ex = assertThrows(BadInputException.class, () -> DataLoader.load(settings, 1, 1));
        assertTrue(ex.getMessage().contains("does not fit the model's 1 output classes"), ex.getMessage());
    }

    @Test
    void shouldReportAMissingFashionMnistDirectory()
    {
        final Path missing = dir.resolve("fmnist");
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> DataLoader.load(settings("dir = \"" + missing + "\""), 1));
        assertTrue(ex.getMessage().contains(missing + " does not exist"), ex.getMessage());
        assertTrue(ex.getMessage().contains("apt-get install dataset-fashion-mnist"), ex.getMessage());
    }
}
