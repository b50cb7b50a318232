package io.descent.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.HalfDecoder;
import io.descent.transport.codec.GradientEncoder;
import io.descent.transport.codec.HalfEncoder;
import io.descent.transport.codec.ThresholdDecoder;
import io.descent.transport.codec.ThresholdEncoder;
import io.descent.transport.codec.ThresholdSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent.cluster.compression} and {@code threshold.*}: none by default, fp16 and bf16 with their codecs,
 * threshold with its codec, {@code weight-compression} none, fp16 or bf16, each bad value refused in one line naming
 * the key.
 */
class CompressionSettingsTest
{
    @Test
    void shouldSendFloat32ByDefault()
    {
        final GradientCompression compression = settings("").compression();
        assertEquals(Compression.NONE, compression.compression());
        assertFalse(compression.compresses());
        assertEquals("none", compression.label());
        assertNull(GradientCodecs.encoder(compression, 10), "float32 is sent as it is");
        assertNull(GradientCodecs.decoder(compression));
    }

    @Test
    void shouldReadTheHalfPrecisionCodecs()
    {
        for (final String label : new String[]{ "fp16", "BF16 " })
        {
            final GradientCompression compression = settings("compression = \"" + label + "\"").compression();
            assertEquals(label.trim().toLowerCase(), compression.label());
            assertTrue(compression.compresses());
            assertInstanceOf(HalfEncoder.class, GradientCodecs.encoder(compression, 10));
            assertEquals(20, GradientCodecs.encoder(compression, 10).maxEncodedBytes());
            assertInstanceOf(HalfDecoder.class, GradientCodecs.decoder(compression));
            assertEquals(compression.compression(), GradientCodecs.decoder(compression).compression());
        }
    }

    @Test
    void shouldMakeTheThresholdCodecs()
    {
        final GradientCompression compression = settings("compression = threshold").compression();
        assertTrue(compression.compresses());
        final GradientEncoder encoder = GradientCodecs.encoder(compression, 1000);
        assertInstanceOf(ThresholdEncoder.class, encoder);
        assertEquals(24 + 250, encoder.maxEncodedBytes(), "header + a 2-bit bitmap: the largest threshold message");
        assertInstanceOf(ThresholdDecoder.class, GradientCodecs.decoder(compression));
        assertRefused("compression = threshold, threshold { min-tau = 1e-40 }", "descent.cluster.threshold.min-tau");
    }

    @Test
    void shouldReadAndCheckTheThresholdSettings()
    {
        final GradientCompression parsed = GradientCompression.from(ConfigFactory.parseString(
            "compression = threshold, threshold { density = 0.005, initial-tau = 0.01, min-tau = 1e-6, max-tau = 2 }, " +
            "weight-compression = none"),
            "descent.cluster");
        assertEquals(new GradientCompression(Compression.THRESHOLD, 0.005, 0.01, 1e-6, 2.0), parsed);
        assertEquals("threshold (density = 0.005, initial-tau = 0.01, min-tau = 1.0E-6, max-tau = 2.0)",
            parsed.label());
        assertRefused("threshold.density = 0", "descent.cluster.threshold.density = 0.0 is out of range; allowed: " +
            "above 0 up to 1");
        assertRefused("threshold.density = 1.5", "descent.cluster.threshold.density = 1.5 is out of range");
        assertRefused("threshold.min-tau = 0", "descent.cluster.threshold.min-tau = 0.0 and max-tau = 1.0 must " +
            "satisfy 0 < min-tau <= max-tau");
        assertRefused("threshold.initial-tau = 5", "descent.cluster.threshold.initial-tau = 5.0 is out of range; " +
            "allowed: min-tau 1.0E-8 .. max-tau 1.0");
        assertRefused("threshold.density = lots", "descent.cluster.threshold.density must be a number");
        assertRefused("compression = zip", "descent.cluster.compression = 'zip' is not a gradient compression; " +
            "allowed: none, fp16, bf16, threshold");
        assertRefused("threshold.tau = 1", "unknown setting descent.cluster.threshold.tau");
    }

    @Test
    void shouldReadTheWeightCompression()
    {
        final GradientCompression dense = settings("").compression();
        assertEquals(Compression.NONE, dense.weights());
        assertFalse(dense.compressesWeights());
        final GradientCompression fp16 = settings("compression = bf16, weight-compression = FP16").compression();
        assertEquals(Compression.FP16, fp16.weights());
        assertTrue(fp16.compressesWeights());
        assertEquals("bf16, weights fp16", fp16.label(), "what registration compares");
        assertEquals(Compression.BF16, settings("weight-compression = bf16").compression().weights());
        assertRefused("weight-compression = int8", "descent.cluster.weight-compression = 'int8' is not a " +
            "weights encoding; allowed: none, fp16, bf16, threshold");
    }

    @Test
    void shouldReadThresholdWeightsWithTheirOwnSection()
    {
        final GradientCompression coded = settings("compression = threshold, weight-compression = threshold, " +
            "weight-threshold { density = 0.05, initial-tau = 1e-3 }").compression();
        assertEquals(Compression.THRESHOLD, coded.weights());
        assertTrue(coded.weightsAsDeltas());
        assertEquals(new ThresholdSettings(0.05, 1e-3, 1e-10, 1.0, 127), coded.weightThreshold());
        assertEquals(0.01, coded.density(), "the gradients' section is apart");
        assertEquals("threshold (density = 0.01, initial-tau = 0.001, min-tau = 1.0E-8, max-tau = 1.0), weights " +
            "threshold (density = 0.05, initial-tau = 0.001, min-tau = 1.0E-10, max-tau = 1.0, levels = 127, " +
            "lead = 3.0)",
            coded.label(),
            "what registration compares: a worker with another weight density is refused");
        assertEquals(GradientCompression.WEIGHT_THRESHOLD_DEFAULTS,
            settings("weight-compression = threshold").compression().weightThreshold(), "reference.conf's defaults");
        assertFalse(settings("weight-compression = fp16").compression().weightsAsDeltas());
        assertEquals(Consistency.Mode.BACKUP, settings("weight-compression = threshold, workers = 3, " +
            "consistency = backup").consistency().mode());

        assertRefused("weight-compression = threshold, weight-threshold.density = 2",
            "descent.cluster.weight-threshold.density = 2.0 is out of range; allowed: above 0 up to 1 (the fraction " +
            "of weight-change values sent per step");
        assertRefused("weight-compression = threshold, weight-threshold.initial-tau = 5",
            "descent.cluster.weight-threshold.initial-tau = 5.0 is out of range; allowed: min-tau 1.0E-10 .. max-tau 1.0");
        assertRefused("weight-compression = threshold, weight-threshold.min-tau = 1e-40, weight-threshold.initial-tau " +
            "= 1e-35", "descent.cluster.weight-threshold.min-tau");
        assertRefused("weight-threshold.tau = 1", "unknown setting descent.cluster.weight-threshold.tau");
        assertEquals(1, settings("weight-compression = threshold, weight-threshold.levels = 1").compression()
            .weightThreshold().levels(), "one τ a version: the 2-bit format");
        assertEquals(0.0, settings("weight-compression = threshold, weight-threshold.lead = 0").compression()
            .weightLead(), "no lead: the shadow aims at the master");
        assertEquals(3.0, settings("weight-compression = threshold").compression().weightLead());
        assertRefused("weight-compression = threshold, weight-threshold.lead = -1",
            "descent.cluster.weight-threshold.lead = -1.0 is out of range; allowed: 0 .. 1000");
        assertRefused("weight-compression = threshold, weight-threshold.levels = 128",
            "descent.cluster.weight-threshold.levels = 128 is out of range; allowed: 1 .. 127");
        assertRefused("weight-compression = threshold, weight-threshold.levels = 0",
            "descent.cluster.weight-threshold.levels = 0 is out of range");
        assertRefused("weight-compression = threshold, weight-threshold.levels = many",
            "descent.cluster.weight-threshold.levels must be an integer");
        assertRefused("weight-compression = threshold, workers = 2, consistency = ssp",
            "descent.cluster.weight-compression = threshold is not supported with descent.cluster.consistency = ssp " +
            "(each worker holds weights of its own version); use weight-compression = fp16 or bf16, or " +
            "consistency = sync or backup");
        assertRefused("weight-compression = threshold, consistency = async",
            "descent.cluster.weight-compression = threshold is not supported with descent.cluster.consistency = async");
    }

    private static void assertRefused(final String overrides, final String start)
    {
        final String message = assertThrows(BadInputException.class, () -> settings(overrides)).getMessage();
        assertTrue(message.startsWith(start), message);
        assertFalse(message.contains("\n"), message);
    }

    private static ClusterSettings settings(final String overrides)
    {
        return ClusterSettings.from(ConfigFactory.parseString("descent.cluster { " + overrides + " }"), Map.of());
    }
}
