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
    void shouldShapeWithATokenBucketOfFourMillisecondsAndAQueueForEveryWindowInFlight()
    {
        assertEquals(List.of("tbf", "rate", "100000000bit", "burst", "65536", "limit", String.valueOf(4194304 + 65536)),
            LinkRate.parse("100mbit").qdisc(1500, 1), "4 ms at 100 Mbit/s is 50 kB: the 64 KiB floor; one 4 MiB " +
                "window and a bucket are more than 50 ms");
        assertEquals(List.of("tbf", "rate", "1000000000bit", "burst", "500000", "limit",
            String.valueOf(2 * 4194304 + 500000)), LinkRate.parse("1gbit").qdisc(1500, 2),
            "two workers' gradients in flight into the server's link");
        assertEquals(List.of("tbf", "rate", "10000000000bit", "burst", "5000000", "limit", "62500000"),
            LinkRate.parse("10gbit").qdisc(9000, 2), "50 ms at 10 Gbit/s hold more than two windows");
        assertEquals(String.valueOf(2 * (65535 + 14)), LinkRate.parse("10mbit").qdisc(65535, 1).get(4),
            "two of the largest frames");
    }
}
