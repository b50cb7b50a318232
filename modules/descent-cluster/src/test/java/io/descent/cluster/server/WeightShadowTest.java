package io.descent.cluster.server;

import io.descent.cluster.GradientCompression;
import io.descent.cluster.dataplane.Buffers;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.ThresholdDecoder;
import io.descent.transport.codec.ThresholdSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's copy of what every worker holds under threshold-coded weights ({@link WeightShadow}): it starts as
 * the master, a worker adding each coded change into its copy holds it bit for bit, the residual (master − shadow)
 * stays bounded while the master moves and shrinks once it stops, and a non-finite master value reaches the shadow.
 */
class WeightShadowTest
{
    private static final int FLOATS = 20_000;
    /** One τ a version, no lead: the shadow aims at the master. */
    private static final GradientCompression THRESHOLD = new GradientCompression(Compression.THRESHOLD, 0.01, 1e-3,
        1e-8, 1.0, Compression.THRESHOLD, new ThresholdSettings(0.01, 1e-4, 1e-10, 1.0), 0.0);

    /** reference.conf's weight-threshold: up to 127 quanta a weight a version, a lead of 3 versions. */
    private static final GradientCompression LEVELED = new GradientCompression(Compression.THRESHOLD, 0.01, 1e-3,
        1e-8, 1.0, Compression.THRESHOLD, GradientCompression.WEIGHT_THRESHOLD_DEFAULTS);

    private final Random random = new Random(11);
    private final INDArray master = Nd4j.create(DataType.FLOAT, FLOATS);
    private final float[] velocity = new float[FLOATS];
    private final WeightShadow shadow;

    WeightShadowTest()
    {
        for (int i = 0; i < FLOATS; i++)
        {
            master.putScalar(i, random.nextGaussian() * 0.1);
            velocity[i] = (float)(random.nextGaussian() * 1e-3);
        }
        shadow = new WeightShadow(THRESHOLD, master);
    }

    @Test
    void shouldStartFromTheMasterAndCodeEveryChangeAWorkerAddsBitForBit()
    {
        assertEquals(-1, shadow.advance(master, false), "nobody holds it: it is the master, nothing coded");
        final UnsafeBuffer worker = copy(shadow.shadow());
        assertArrayEquals(master.toFloatVector(), RecordingObserver.floats(worker));
        final ThresholdDecoder decoder = new ThresholdDecoder();
        for (int version = 1; version <= 50; version++)
        {
            move();
            final int bytes = shadow.advance(master, true);
            assertTrue(bytes > 0 && bytes < FLOATS * Float.BYTES / 10, "a sparse code: " + bytes + " bytes");
            assertTrue(decoder.accumulate(shadow.encoded(), bytes, worker, FLOATS, 1.0f, false));
            assertArrayEquals(RecordingObserver.floats(shadow.shadow()), RecordingObserver.floats(worker),
                "the worker holds the shadow of version " + version);
            final long sent = shadow.valuesSent();
            // τ starts below the changes' scale and moves at most 4× a version: on target after a few.
            assertTrue(version < 5 || sent > FLOATS / 400 && sent < FLOATS / 25, "about 1 % of the values: " + sent);
        }
    }

    @Test
    void shouldCodeLeveledChangesAWorkerAddsBitForBit()
    {
        final WeightShadow leveled = new WeightShadow(LEVELED, master);
        leveled.advance(master, false);
        final UnsafeBuffer worker = copy(leveled.shadow());
        final ThresholdDecoder decoder = new ThresholdDecoder();
        for (int version = 1; version <= 50; version++)
        {
            move();
            if (version % 10 == 0)
            {
                // A weight that runs ahead by many τ at once.
                master.putScalar(version, master.getFloat(version) + 0.5f);
            }
            final int bytes = leveled.advance(master, true);
            assertTrue(decoder.accumulate(leveled.encoded(), bytes, worker, FLOATS, 1.0f, false));
            assertArrayEquals(RecordingObserver.floats(leveled.shadow()), RecordingObserver.floats(worker),
                "the worker holds the shadow of version " + version);
        }
    }

    @Test
    void shouldCatchUpAWeightThatRanAheadWithinOneVersion()
    {
        final WeightShadow leveled = new WeightShadow(LEVELED.withWeightLead(0.0), master);
        leveled.advance(master, false);
        shadow.advance(master, false);
        for (int version = 1; version <= 20; version++)
        {
            move();
            leveled.advance(master, true);
            shadow.advance(master, true);
        }
        final float jump = (float)(20 * leveled.tau());
        master.putScalar(3, master.getFloat(3) + jump);
        leveled.advance(master, true);
        shadow.advance(master, true);
        final double caughtUp = Math.abs(master.getFloat(3) - leveled.shadow().getFloat(3 * Float.BYTES));
        assertTrue(caughtUp <= leveled.tau() / 2 + 1e-7,
            "k·τ in one version leaves at most τ / 2: " + caughtUp + ", τ " + leveled.tau());
        final double lagging = Math.abs(master.getFloat(3) - shadow.shadow().getFloat(3 * Float.BYTES));
        assertTrue(lagging > 5 * shadow.tau(), "one τ a version lags: " + lagging + ", τ " + shadow.tau());
    }

    @Test
    void shouldCentreASteadilyMovingShadowOnTheMasterWithALead()
    {
        // A lead long enough that every moving value's is τ / 2 (τ here is some 80 versions of the drift).
        final WeightShadow led = new WeightShadow(LEVELED.withWeightLead(100.0), master);
        final WeightShadow trailing = new WeightShadow(LEVELED.withWeightLead(0.0), master);
        led.advance(master, false);
        trailing.advance(master, false);
        double ledBias = 0.0;
        double trailingBias = 0.0;
        for (int version = 1; version <= 200; version++)
        {
            move();
            led.advance(master, true);
            trailing.advance(master, true);
            if (version > 100)
            {
                ledBias += bias(led);
                trailingBias += bias(trailing);
            }
        }
        // How far behind the master the shadow is, along each value's motion, on average over the last 100 versions.
        ledBias /= 100;
        trailingBias /= 100;
        System.out.printf("shadow behind the master along the motion: %.3g with the lead, %.3g without (tau %.3g)%n",
            ledBias, trailingBias, led.tau());
        assertTrue(trailingBias > 0.2 * trailing.tau(), "without a lead it trails: " + trailingBias);
        assertTrue(Math.abs(ledBias) < trailingBias / 3, "with it, it is centred: " + ledBias + " vs " + trailingBias);
        for (int version = 0; version < 300; version++)
        {
            led.advance(master, true);
        }
        assertTrue(residual(led)[1] <= 4 * led.tau(), "a master that stops has no lead: the shadow reaches it");
    }

    @Test
    void shouldCodeTheLeadsChangesAWorkerAddsBitForBit()
    {
        final WeightShadow led = new WeightShadow(LEVELED, master);
        led.advance(master, false);
        final UnsafeBuffer worker = copy(led.shadow());
        final ThresholdDecoder decoder = new ThresholdDecoder();
        for (int version = 1; version <= 30; version++)
        {
            move();
            final int bytes = led.advance(master, true);
            assertTrue(decoder.accumulate(led.encoded(), bytes, worker, FLOATS, 1.0f, false));
            assertArrayEquals(RecordingObserver.floats(led.shadow()), RecordingObserver.floats(worker),
                "the worker holds the shadow of version " + version);
        }
        master.putScalar(9, Float.NaN);
        assertTrue(decoder.accumulate(led.encoded(), led.advance(master, true), worker, FLOATS, 1.0f, false));
        assertTrue(Float.isNaN(worker.getFloat(9 * Float.BYTES)), "a non-finite master still reaches the workers");
    }

    @Test
    void shouldKeepTheResidualBoundedAndReachTheMasterOnceItStops()
    {
        shadow.advance(master, false);
        double moving = 0.0;
        for (int version = 1; version <= 200; version++)
        {
            move();
            shadow.advance(master, true);
            moving = residual()[1];
        }
        final double drift = 200 * maxAbs(velocity);
        assertTrue(moving < drift / 2, "residual " + moving + " stays well below the master's drift " + drift);
        double before = residual()[0];
        final double stoppedAt = before;
        for (int version = 0; version < 300; version++)
        {
            shadow.advance(master, true);
            final double now = residual()[0];
            assertTrue(now <= before, "the residual never grows while the master stands still: " + now);
            before = now;
        }
        final double[] end = residual();
        System.out.printf("residual: max %.3g while moving (drift %.3g), L2 %.3g when stopped, L2 %.3g max %.3g " +
            "after 300 versions (tau %.3g)%n", moving, drift, stoppedAt, end[0], end[1], shadow.tau());
        assertTrue(end[0] < stoppedAt / 10, "the shadow reaches the master: L2 " + end[0] + " from " + stoppedAt);
        assertTrue(end[1] <= 4 * shadow.tau(), "within a few τ of it: " + end[1] + ", τ " + shadow.tau());
    }

    @Test
    void shouldCarryANonFiniteMasterValueIntoTheShadow()
    {
        shadow.advance(master, false);
        final UnsafeBuffer worker = copy(shadow.shadow());
        master.putScalar(7, Float.NaN);
        final int bytes = shadow.advance(master, true);
        assertTrue(new ThresholdDecoder().accumulate(shadow.encoded(), bytes, worker, FLOATS, 1.0f, false));
        assertTrue(Float.isNaN(shadow.shadow().getFloat(7 * Float.BYTES)), "the shadow is not finite");
        assertTrue(Float.isNaN(worker.getFloat(7 * Float.BYTES)), "nor are the workers' weights: divergence shows");
    }

    /** The master takes a step of its own velocity (a steady drift, as a momentum update). */
    private void move()
    {
        for (int i = 0; i < FLOATS; i++)
        {
            master.putScalar(i, master.getFloat(i) + velocity[i]);
        }
    }

    /** @return the L2 norm and the largest magnitude of master − shadow. */
    private double[] residual()
    {
        return residual(shadow);
    }

    /** @return the mean of (master − shadow) · sign(velocity): how far the shadow trails along the motion. */
    private double bias(final WeightShadow of)
    {
        final float[] m = master.toFloatVector();
        final float[] s = RecordingObserver.floats(of.shadow());
        double sum = 0.0;
        for (int i = 0; i < FLOATS; i++)
        {
            sum += ((double)m[i] - s[i]) * Math.signum(velocity[i]);
        }
        return sum / FLOATS;
    }

    private double[] residual(final WeightShadow of)
    {
        final float[] m = master.toFloatVector();
        final float[] s = RecordingObserver.floats(of.shadow());
        double squares = 0.0;
        double max = 0.0;
        for (int i = 0; i < FLOATS; i++)
        {
            final double d = (double)m[i] - s[i];
            squares += d * d;
            max = Math.max(max, Math.abs(d));
        }
        return new double[]{ Math.sqrt(squares), max };
    }

    private static double maxAbs(final float[] values)
    {
        double max = 0.0;
        for (final float value : values)
        {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    private static UnsafeBuffer copy(final UnsafeBuffer from)
    {
        final UnsafeBuffer to = new UnsafeBuffer(ByteBuffer.allocateDirect(from.capacity()));
        to.putBytes(0, from, 0, from.capacity());
        return to;
    }
}
