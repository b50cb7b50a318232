package io.descent.bench.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The UDP pair's default warm-up: enough messages to move 1.5 GB, within the receiver's slots, and on a shaped link no
 * more than it carries in 15 s.
 */
class UdpPairCommandTest
{
    @Test
    void shouldWarmUpByBytesWithinTheSlots()
    {
        assertEquals(65, UdpPairCommand.warmUp(23_300_000, 15), "1.5 GB ÷ 23.3 MB, rounded up: the 784-2048-2048-10 M");
        assertEquals(10, UdpPairCommand.warmUp(400_000_000, 15), "at least 10");
        assertEquals(985, UdpPairCommand.warmUp(1_000_000, 15), "1,500 wanted; 1,000 slots less the 15 timed");
    }

    @Test
    void shouldWarmUpAShapedLinkForNoMoreThanFifteenSeconds()
    {
        assertEquals(94, UdpPairCommand.warmUp(2_000_000, 15, 12_500_000), "100 Mbit/s: 187.5 MB ÷ 2 MB, rounded up");
        assertEquals(10, UdpPairCommand.warmUp(23_300_000, 15, 12_500_000), "100 Mbit/s, 23.3 MB: at least 10");
        assertEquals(65, UdpPairCommand.warmUp(23_300_000, 15, 125_000_000), "1 Gbit/s carries 1.5 GB in 12 s");
        assertEquals(UdpPairCommand.warmUp(23_300_000, 15), UdpPairCommand.warmUp(23_300_000, 15,
            Double.POSITIVE_INFINITY), "unshaped: by bytes alone");
    }
}
