package io.descent.cluster.protocol;

import io.descent.cluster.dataplane.TransportStats;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data-plane records of a step: a {@link StepOrder} and a {@link GradientMeta} survive their wire form. */
class StepMessagesTest
{
    @Test
    void shouldRoundTripAStepOrderWithFewerShardsThanTheJobHas()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(StepOrder.ints(4) * Integer.BYTES));
        new StepOrder(9, 3, 2, new int[]{ 0, 1, 2, 3 }).encode(buffer);
        final StepOrder order = new StepOrder(41, 2, 7, new int[]{ 1, 3 });
        assertEquals(5 * Integer.BYTES, order.encode(buffer));
        assertEquals(order, StepOrder.decode(41, buffer), "stale shards after the count are not read");
    }

    @Test
    void shouldRefuseAnOrderNamingMoreShardsThanItsMessageHolds()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(StepOrder.ints(2) * Integer.BYTES));
        buffer.putInt(2 * Integer.BYTES, 3, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThrows(IllegalArgumentException.class, () -> StepOrder.decode(1, buffer));
    }

    @Test
    void shouldRoundTripAGradientReportAndBuildTheWorkersStats()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));
        final TransportStats transport = new TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, Long.MAX_VALUE, 12, 13,
            14, 15);
        final GradientMeta meta = new GradientMeta(256, 0.6931471805599453, 1L << 40, 12.5, 0.25, 3.125, 987654321L,
            transport);
        meta.encode(buffer);
        assertEquals(meta, GradientMeta.decode(buffer));
        assertEquals(new WorkerStats(2, "host-b", 77, 1L << 40, 12.5, 0.25, 3.125, 987654321L, transport),
            meta.stats(2, "host-b", 77));
    }

    @Test
    void shouldCarryTheGradientsSquaredNormInLayoutOneOnly()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));
        final GradientMeta meta = new GradientMeta(30, 0.5, 30, 1, 0, 0, 4096, TransportStats.NONE, 0.1875);
        meta.encode(buffer);
        assertEquals(meta, GradientMeta.decode(buffer));
        assertTrue(meta.hasSquares());
        assertTrue(new GradientMeta(30, 0.5, 30, 1, 0, 0, 4096, TransportStats.NONE,
            Double.POSITIVE_INFINITY).hasSquares(), "+∞: a gradient that is not finite");
        for (final double bad : new double[]{ Double.NaN, -1.0, Double.NEGATIVE_INFINITY })
        {
            assertFalse(new GradientMeta(30, 0.5, 30, 1, 0, 0, 4096, TransportStats.NONE, bad).hasSquares());
        }
        buffer.putInt(4, GradientMeta.LAYOUT + 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertTrue(Double.isNaN(GradientMeta.decode(buffer).squares()), "another layout's report has no norm");
    }
}
