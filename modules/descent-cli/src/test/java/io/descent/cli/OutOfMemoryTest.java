package io.descent.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of {@link OutOfMemoryError} names the setting that raises its limit. The JavaCPP messages are the ones
 * JavaCPP 1.5.7 (ND4J 1.0.0-M2.1) throws, as seen from a {@code descent ps} given tiny limits.
 */
class OutOfMemoryTest
{
    private static final long HEAP = 640L << 20;

    @Test
    void shouldNameDescentHeapForAFullHeap()
    {
        final String advice = OutOfMemory.advice(new OutOfMemoryError("Java heap space"), HEAP);
        assertTrue(advice.contains("Java heap is full (limit 640 MiB)") && advice.contains("raise DESCENT_HEAP") &&
            advice.contains("DESCENT_HEAP=2g"), advice);
        assertFalse(advice.contains("DESCENT_MAX"), advice);
        assertOneLine(advice);
        assertTrue(OutOfMemory.advice(new OutOfMemoryError("Java heap space"), 256L << 20)
            .contains("DESCENT_HEAP=512m"));
    }

    @Test
    void shouldNameDescentMaxPhysicalForJavaCppsResidentMemoryLimit()
    {
        final OutOfMemoryError cause = new OutOfMemoryError(
            "Physical memory usage is too high: physicalBytes (157M) > maxPhysicalBytes (150M)");
        final OutOfMemoryError error = new OutOfMemoryError(
            "Cannot allocate new LongPointer(1): totalBytes = 0, physicalBytes = 157M");
        error.initCause(cause);
        final String advice = OutOfMemory.advice(error, HEAP);
        assertTrue(advice.contains("raise DESCENT_MAX_PHYSICAL") &&
            advice.contains("physicalBytes (157M) > maxPhysicalBytes (150M)"), advice);
        assertFalse(advice.contains("DESCENT_HEAP") || advice.contains("DESCENT_MAX_OFFHEAP"), advice);
        assertOneLine(advice);
    }

    @Test
    void shouldNameDescentMaxOffHeapForJavaCppsAllocationLimit()
    {
        final OutOfMemoryError error = new OutOfMemoryError(
            "Cannot allocate new FloatPointer(100000000): totalBytes = 0, physicalBytes = 68040K");
        error.initCause(new OutOfMemoryError(
            "Failed to allocate memory within limits: totalBytes (0 + 381M) > maxBytes (65536K)"));
        final String advice = OutOfMemory.advice(error, HEAP);
        assertTrue(advice.contains("raise DESCENT_MAX_OFFHEAP") && advice.contains("> maxBytes (65536K)"), advice);
        assertFalse(advice.contains("DESCENT_HEAP") || advice.contains("DESCENT_MAX_PHYSICAL"), advice);
    }

    @Test
    void shouldFindTheErrorBehindWrappersAndNothingElsewhere()
    {
        final OutOfMemoryError error = new OutOfMemoryError("Java heap space");
        assertSame(error, OutOfMemory.find(new ExecutionException(new IllegalStateException("step", error))));
        assertSame(error, OutOfMemory.find(error));
        assertNull(OutOfMemory.find(new IllegalStateException("no memory problem")));
    }

    @Test
    void shouldKeepOtherMemoryErrorsToOneLineWithTheirMessage()
    {
        final String advice = OutOfMemory.advice(new OutOfMemoryError("Metaspace\nmore"), HEAP);
        assertTrue(advice.startsWith("out of memory: Metaspace more"), advice);
        assertOneLine(advice);
    }

    private static void assertOneLine(final String text)
    {
        assertFalse(text.contains("\n") || text.contains("\r"), text);
    }
}
