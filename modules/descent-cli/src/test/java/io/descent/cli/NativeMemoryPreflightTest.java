package io.descent.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check before ND4J starts: JavaCPP's resident-memory limit must leave room for ND4J's start-up. */
class NativeMemoryPreflightTest
{
    private static final long MIB = 1L << 20;

    @Test
    void shouldRefuseALimitThatCannotHoldNd4jsStartUp()
    {
        final String problem = NativeMemoryPreflight.problem(72 * MIB, 32 * MIB);

        assertEquals("Physical memory usage is too high: physicalBytes (73728K) + ND4J's start-up (65536K) >" +
            " maxPhysicalBytes (32768K)", problem);
        assertTrue(NativeMemoryPreflight.problem(72 * MIB, 72 * MIB + 64 * MIB - 1).contains("maxPhysicalBytes"),
            "one byte short of the start-up's room");
        assertTrue(OutOfMemory.advice(new OutOfMemoryError(problem), 1L << 30).contains("raise DESCENT_MAX_PHYSICAL"),
            "the one line names the setting to raise");
    }

    @Test
    void shouldPassALimitWithRoomOrNoLimit()
    {
        assertNull(NativeMemoryPreflight.problem(72 * MIB, 72 * MIB + 64 * MIB));
        assertNull(NativeMemoryPreflight.problem(72 * MIB, 12L << 30));
        assertNull(NativeMemoryPreflight.problem(72 * MIB, 0), "no limit configured");
    }
}
