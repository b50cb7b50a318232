package io.descent.data.synthetic;

import com.typesafe.config.ConfigFactory;
import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.settings.DataSettings;
import io.descent.data.settings.SyntheticSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Streamed synthetic rows are exactly the rows of the in-memory generator. */
class SyntheticRowsTest
{
    @Test
    void shouldStreamTheRowsOfTheInMemoryGeneratorForEveryKind()
    {
        for (final String kind : new String[]{ "teacher", "linear", "xor", "function" })
        {
            final SyntheticSettings settings = DataSettings.from(ConfigFactory.parseString(
                "source = synthetic, synthetic { kind = " + kind + ", samples = 200, test-samples = 50, features = 5 }")
                .withFallback(ConfigFactory.defaultReference().getConfig(DataSettings.REFERENCE_PATH))).synthetic();
            final DatasetPair expected = SyntheticSource.generate(settings, 77);
            assertSameRows(expected.train(), SyntheticRows.train(settings, 77), kind + " train");
            assertSameRows(expected.test(), SyntheticRows.test(settings, 77), kind + " test");
        }
    }

    private static void assertSameRows(final Dataset expected, final RowStream rows, final String what)
    {
        final int d = expected.numFeatures();
        final int k = expected.numOutputs();
        final float[] features = new float[expected.size() * d];
        final float[] targets = new float[expected.size() * k];
        final float[] x = new float[d];
        final float[] y = new float[k];
        for (int i = 0; i < expected.size(); i++)
        {
            rows.next(x, y);
            System.arraycopy(x, 0, features, i * d, d);
            System.arraycopy(y, 0, targets, i * k, k);
        }
        assertArrayEquals(expected.features(), features, what + " features");
        assertArrayEquals(expected.targets(), targets, what + " targets");
    }
}
