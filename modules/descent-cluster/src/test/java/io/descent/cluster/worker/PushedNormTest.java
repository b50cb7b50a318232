package io.descent.cluster.worker;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.GradientCodecs;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.Buffers;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.codec.GradientEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The squared norm a worker reports with its gradient is that of the values the server shards decode, summed over
 * both ranges as the worker encodes them (fp16 and bf16 in pieces, as they are sent): for every compression it equals
 * decoding each range with the servers' decoder and summing the squares; it is +∞ for a gradient that is not finite,
 * and not computed (NaN) where no shard clips by it.
 */
class PushedNormTest
{
    private static final int FLOATS = 10_007;
    /** The two shards' ranges. */
    private static final int[][] RANGES = { { 0, 4_001 }, { 4_001, FLOATS } };
    /** Smaller than a range: pieces as the worker sends them, the last one short. */
    private static final int PIECE = 1_000;

    @ParameterizedTest
    @ValueSource(strings = { "none", "fp16", "bf16", "threshold" })
    void shouldBeTheNormOfTheValuesTheShardsDecode(final String compression)
    {
        // Three pushes: threshold's residual carries between them, so each sends other values.
        final double[] pushed = pushes("consistency = ssp, staleness = 2, compression = " + compression, false, 3);
        final double reported = pushed[0];
        final double decoded = pushed[1];
        assertTrue(reported > 0.0, "values were sent: " + reported);
        assertEquals(decoded, reported, decoded * (compression.equals("none") ? 1e-6 : 1e-12), compression);
        if (!compression.equals("none"))
        {
            assertNotEquals(squares(gradient(false)), reported, "the values sent, not the gradient computed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "none", "fp16", "bf16", "threshold" })
    void shouldBeInfiniteForAGradientThatIsNotFinite(final String compression)
    {
        assertEquals(Double.POSITIVE_INFINITY, pushes("consistency = async, compression = " + compression, true,
            1)[0], compression);
    }

    /**
     * Pushes the test's gradient ({@code broken}: with a NaN) {@code count} times, as a worker of two shards does.
     *
     * @return the squared norm reported for the last push, then that of what the servers decode of it.
     */
    private static double[] pushes(final String overrides, final boolean broken, final int count)
    {
        final ClusterSettings settings = settings(overrides);
        final INDArray gradient = gradient(broken);
        final PushedNorm norm = PushedNorm.of(settings, 1.0, 2);
        assertTrue(norm.needed());
        final GradientEncoder[] encoders = encoders(settings);
        double decoded = 0.0;
        for (int push = 0; push < count; push++)
        {
            norm.start(gradient);
            decoded = push(settings, encoders, gradient, norm);
        }
        return new double[]{ norm.squares(), decoded };
    }

    @Test
    void shouldNotBeComputedWhereNoShardClipsByIt()
    {
        final INDArray gradient = gradient(false);
        final ClusterSettings ssp = settings("consistency = ssp, staleness = 1");
        for (final PushedNorm norm : new PushedNorm[]{ PushedNorm.of(ssp, 0.0, 2), PushedNorm.of(ssp, 1.0, 1),
            PushedNorm.of(settings("consistency = sync"), 1.0, 2),
            PushedNorm.of(settings("consistency = backup, backup-workers = 1"), 1.0, 2) })
        {
            assertFalse(norm.needed());
            norm.start(gradient);
            assertTrue(Double.isNaN(norm.squares()), "none reported");
        }
    }

    private static ClusterSettings settings(final String overrides)
    {
        return TestJob.settings(2, overrides);
    }

    /** @return a gradient of normal values (and a NaN when {@code broken}) as float32 in a direct buffer. */
    private static INDArray gradient(final boolean broken)
    {
        final Random random = new Random(18);
        final float[] values = new float[FLOATS];
        for (int i = 0; i < FLOATS; i++)
        {
            values[i] = (float)(random.nextGaussian() * 0.01);
        }
        if (broken)
        {
            values[FLOATS - 3] = Float.NaN;
        }
        return Nd4j.createFromArray(values).castTo(DataType.FLOAT);
    }

    /**
     * Encodes both ranges as the worker does, adding them to {@code norm}.
     *
     * @return the squared norm of what the servers' decoder makes of them.
     */
    private static double push(
        final ClusterSettings settings, final GradientEncoder[] encoders, final INDArray gradient,
        final PushedNorm norm)
    {
        final UnsafeBuffer view = Buffers.view(gradient);
        final GradientDecoder decoder = GradientCodecs.decoder(settings.compression());
        if (null == decoder)
        {
            return squares(gradient);
        }
        double decoded = 0.0;
        for (int shard = 0; shard < 2; shard++)
        {
            final int[] range = RANGES[shard];
            final int floats = range[1] - range[0];
            final GradientEncoder encoder = encoders[shard];
            final UnsafeBuffer encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
            final int bytes;
            if (encoder.encodesInPieces())
            {
                for (int from = 0; from < floats; from += PIECE)
                {
                    final int to = Math.min(floats, from + PIECE);
                    encoder.encode(view, range[0] * Float.BYTES, encoded, from, to);
                    norm.add(encoded, encoder.bytesFor(from), encoder.bytesFor(to), to - from);
                }
                bytes = encoder.bytesFor(floats);
            }
            else
            {
                bytes = encoder.encode(view, range[0] * Float.BYTES, encoded);
                norm.add(encoded, 0, bytes, floats);
            }
            final UnsafeBuffer sum = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
            assertTrue(decoder.accumulate(encoded, bytes, sum, floats, 1.0f, true));
            for (int i = 0; i < floats; i++)
            {
                final double value = sum.getFloat(i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
                decoded += value * value;
            }
        }
        return decoded;
    }

    /** @return an encoder per range (null for float32), kept across pushes as the worker keeps them. */
    private static GradientEncoder[] encoders(final ClusterSettings settings)
    {
        final GradientEncoder[] encoders = new GradientEncoder[2];
        for (int shard = 0; shard < 2; shard++)
        {
            encoders[shard] = GradientCodecs.encoder(settings.compression(), RANGES[shard][1] - RANGES[shard][0]);
        }
        return encoders;
    }

    private static double squares(final INDArray gradient)
    {
        double squares = 0.0;
        for (int i = 0; i < FLOATS; i++)
        {
            final double value = gradient.getFloat(i);
            squares += value * value;
        }
        return squares;
    }
}
