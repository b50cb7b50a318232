package io.descent.bench.scale;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
