package io.descent.data.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.data.Task;
import io.descent.data.scale.ScalingKind;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSettingsTest
{
    private static DataSettings parse(final String userSection)
    {
        final Config merged = ConfigFactory.parseString(userSection)
            .withFallback(ConfigFactory.defaultReference().getConfig(DataSettings.REFERENCE_PATH));
        return DataSettings.from(merged);
    }

    private static String failure(final String userSection)
    {
        return assertThrows(BadInputException.class, () -> parse(userSection)).getMessage();
    }

    @Test
    void shouldReadTheDefaults()
    {
        final DataSettings settings = DataSettings.defaults();
        assertEquals(DataSource.FASHION_MNIST, settings.source());
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), settings.dir());
        assertEquals(0.1, settings.validationFraction());
        assertEquals(ScalingKind.MIN_MAX, settings.scaling());
        assertEquals(SyntheticKind.LINEAR, settings.synthetic().kind());
        assertEquals(Task.CLASSIFICATION, settings.csv().task());
    }

    @Test
    void shouldReadTheShapeOfARow()
    {
        assertEquals(List.of(), DataSettings.defaults().shape());
        assertEquals(List.of(1, 28, 28), parse("shape = [1, 28, 28]").shape());
        assertEquals("data.shape = [1, 0, 28] is not a shape; write [channels, height, width] with positive sizes, " +
            "e.g. [1, 28, 28], or [] for flat rows", failure("shape = [1, 0, 28]"));
        assertEquals("data.shape = [28, 28] is not a shape; write [channels, height, width] with positive sizes, " +
            "e.g. [1, 28, 28], or [] for flat rows", failure("shape = [28, 28]"));
        assertTrue(failure("shape = [a, b, c]").startsWith("data.shape"), failure("shape = [a, b, c]"));
    }

    @Test
    void shouldReadUserValues()
    {
        final DataSettings settings = parse(
            "source = csv, scaling = standardize, csv { path = /tmp/a.csv, target = [y1, y2], task = regression }," +
            "synthetic { kind = teacher, coefficients = [1, 2], features = 2 }");
        assertEquals(DataSource.CSV, settings.source());
        assertEquals(ScalingKind.STANDARDIZE, settings.scaling());
        assertEquals(Path.of("/tmp/a.csv"), settings.csv().path().orElseThrow());
        assertEquals(List.of("y1", "y2"), settings.csv().targets());
        assertEquals(SyntheticKind.TEACHER, settings.synthetic().kind());
        assertArrayEquals(new double[]{1, 2}, settings.synthetic().coefficients());
        assertEquals(List.of("a", "b"), parse("csv.target = \"a, b\", csv.task = regression").csv().targets());
    }

    @Test
    void shouldNameKeyValueAndValidValuesForABadEnum()
    {
        final String message = failure("scaling = zscore");
        assertTrue(message.contains("data.scaling = 'zscore' is not valid"), message);
        assertTrue(message.contains("none, min-max, global-min-max, standardize"), message);
        assertTrue(failure("source = mnist").contains("fashion-mnist, csv, synthetic"));
        assertTrue(failure("synthetic.kind = circles").contains("data.synthetic.kind"));
    }

    @Test
    void shouldRejectFractionsOutsideTheOpenUnitInterval()
    {
        assertTrue(failure("validation-fraction = 1.0").contains("data.validation-fraction = 1.0 is out of range"));
        assertTrue(failure("validation-fraction = 0").contains("(0, 1)"));
        assertTrue(failure("csv.test-fraction = -0.2").contains("data.csv.test-fraction"));
    }

    @Test
    void shouldSuggestTheNearestKeyForAnUnknownOne()
    {
        final String message = failure("validaton-fraction = 0.2");
        assertTrue(message.contains("unknown setting data.validaton-fraction"), message);
        assertTrue(message.contains("did you mean data.validation-fraction?"), message);
        assertTrue(failure("synthetic.sample = 5").contains("did you mean data.synthetic.samples?"));
    }

    @Test
    void shouldRejectWrongTypesAndRanges()
    {
        final String message = failure("synthetic.samples = lots");
        assertTrue(message.contains("data.synthetic.samples = \"lots\" is not valid; it must be an integer"), message);
        assertTrue(failure("synthetic.samples = 1").contains("must be >= 2"));
        assertTrue(failure("synthetic.noise = -1").contains("data.synthetic.noise"));
        assertTrue(failure("synthetic.coefficients = [1, 2, 3]").contains("one per feature"));
        assertTrue(failure("csv.delimiter = \";;\"").contains("exactly one character"));
        assertTrue(failure("csv { target = [a, b] }").contains("classification takes exactly one target column"));
    }

    @Test
    void shouldRequireAFileAndATargetForCsv()
    {
        assertTrue(failure("source = csv").contains("set data.csv.path"));
        assertTrue(failure("source = csv, csv.path = x.csv").contains("set data.csv.target"));
        assertTrue(failure("dir = \"\"").contains("data.dir is empty"));
    }
}
