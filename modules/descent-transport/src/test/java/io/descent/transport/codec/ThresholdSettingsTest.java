package io.descent.transport.codec;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.config.InvalidSettingException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdSettingsTest
{
    @Test
    void shouldReadTheSection()
    {
        final ThresholdSettings settings = ThresholdSettings.from(ConfigFactory.parseString(
            "descent.cluster.threshold { density = 0.005, initial-tau = 1e-3, min-tau = 1e-7, max-tau = 10 }"));
        assertEquals(new ThresholdSettings(0.005, 1e-3, 1e-7, 10.0), settings);
    }

    @Test
    void shouldNameTheKeyOfABadValueOnOneLine()
    {
        assertInvalid("descent.cluster.threshold.density", () -> new ThresholdSettings(0.0, 1e-3, 1e-8, 1.0));
        assertInvalid("descent.cluster.threshold.density", () -> new ThresholdSettings(1.5, 1e-3, 1e-8, 1.0));
        assertInvalid("descent.cluster.threshold.density", () -> new ThresholdSettings(Double.NaN, 1e-3, 1e-8, 1.0));
        assertInvalid("descent.cluster.threshold.min-tau", () -> new ThresholdSettings(0.01, 1e-3, 0.0, 1.0));
        assertInvalid("descent.cluster.threshold.min-tau", () -> new ThresholdSettings(0.01, 1e-3, -1e-3, 1.0));
        assertInvalid("descent.cluster.threshold.max-tau", () -> new ThresholdSettings(0.01, 1e-3, 1e-2, 1e-3));
        assertInvalid("descent.cluster.threshold.max-tau",
            () -> new ThresholdSettings(0.01, 1e-3, 1e-8, Double.POSITIVE_INFINITY));
        assertInvalid("descent.cluster.threshold.initial-tau", () -> new ThresholdSettings(0.01, 2.0, 1e-8, 1.0));
        assertInvalid("descent.cluster.threshold.initial-tau", () -> new ThresholdSettings(0.01, 1e-9, 1e-8, 1.0));
        assertInvalid("descent.cluster.threshold.density", () -> ThresholdSettings.from(ConfigFactory.parseString(
            "descent.cluster.threshold { density = lots, initial-tau = 1e-3, min-tau = 1e-7, max-tau = 10 }")));
        assertInvalid("descent.cluster.threshold.max-tau", () -> ThresholdSettings.from(ConfigFactory.parseString(
            "descent.cluster.threshold { density = 0.01, initial-tau = 1e-3, min-tau = 1e-7 }")));
    }

    @Test
    void shouldAcceptTheDefaultsAndAFullDensity()
    {
        assertEquals(0.01, ThresholdSettings.DEFAULTS.density());
        assertEquals(1.0, new ThresholdSettings(1.0, 1.0, 1.0, 1.0).density());
    }

    private static void assertInvalid(final String key, final Runnable read)
    {
        final InvalidSettingException ex = assertThrows(InvalidSettingException.class, read::run);
        assertEquals(key, ex.key());
        assertTrue(ex.getMessage().startsWith(key), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
    }
}
