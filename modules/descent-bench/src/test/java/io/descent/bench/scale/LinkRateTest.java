package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --link-rate}: tc's rate units, its range, and the token bucket every veth end gets. */
class LinkRateTest
{
    @Test
    void shouldReadRatesAsTcWritesThem()
    {
        assertEquals(100_000_000L, LinkRate.parse("100mbit").bitsPerSecond());
        assertEquals(1_000_000_000L, LinkRate.parse("1gbit").bitsPerSecond());
        assertEquals(10_000_000_000L, LinkRate.parse("10GBit").bitsPerSecond());
        assertEquals(2_500_000_000L, LinkRate.parse(" 2.5gbit ").bitsPerSecond());
        assertEquals(1_000_000L, LinkRate.parse("1000kbit").bitsPerSecond());
        assertEquals("10gbit", LinkRate.parse("10GBit").text());
    }

    @Test
    void shouldRefuseWhatIsNotARateOrOutOfRangeWithOneLine()
    {
        for (final String bad : new String[]{ "100", "100mb", "100mbps", "fast", "-1gbit", "1 gbit", "", "1e9bit" })
        {
            final BadInputException ex = assertThrows(BadInputException.class, () -> LinkRate.parse(bad), bad);
            assertTrue(ex.getMessage().startsWith("--link-rate '" + bad + "' is not a rate"), ex.getMessage());
            assertEquals(1, ex.getMessage().lines().count());
        }
        for (final String bad : new String[]{ "999kbit", "0mbit", "401gbit" })
        {
            final BadInputException ex = assertThrows(BadInputException.class, () -> LinkRate.parse(bad), bad);
            assertTrue(ex.getMessage().contains("out of range; use 1mbit to 400gbit"), ex.getMessage());
        }
    }

    @Test
    void shouldShapeWithATokenBucketOfFourMillisecondsAtLeast64KiB()
    {
        assertEquals(List.of("tbf", "rate", "100000000bit", "burst", "65536", "latency", "50ms"),
            LinkRate.parse("100mbit").qdisc(1500), "4 ms at 100 Mbit/s is 50 kB: the 64 KiB floor");
        assertEquals(List.of("tbf", "rate", "1000000000bit", "burst", "500000", "latency", "50ms"),
            LinkRate.parse("1gbit").qdisc(1500));
        assertEquals("5000000", LinkRate.parse("10gbit").qdisc(9000).get(4));
        assertEquals(String.valueOf(2 * (65535 + 14)), LinkRate.parse("10mbit").qdisc(65535).get(4),
            "two of the largest frames");
    }
}
