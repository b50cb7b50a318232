package io.descent.bench.scale;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RunOrderTest
{
    @Test
    void shouldRunTheCountsUpInEvenRoundsAndDownInOddOnes()
    {
        final int[] counts = { 1, 2, 4 };
        assertArrayEquals(new int[]{ 1, 2, 4 }, RunOrder.of(counts, 0));
        assertArrayEquals(new int[]{ 4, 2, 1 }, RunOrder.of(counts, 1));
        assertArrayEquals(new int[]{ 1, 2, 4 }, RunOrder.of(counts, 2));
        assertArrayEquals(new int[]{ 1, 2, 4 }, counts, "the counts themselves are left alone");
        assertArrayEquals(new int[]{ 3 }, RunOrder.of(new int[]{ 3 }, 1));
    }

    @Test
    void shouldRunTheRowsOfASweepForthInEvenRoundsAndBackInOddOnes()
    {
        final List<String> rows = List.of("none 1", "none 2", "aes-gmac 1", "aes-gmac 2");
        assertEquals(rows, RunOrder.of(rows, 0));
        assertEquals(List.of("aes-gmac 2", "aes-gmac 1", "none 2", "none 1"), RunOrder.of(rows, 1));
        assertEquals(rows, RunOrder.of(rows, 2));
    }
}
