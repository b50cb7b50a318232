package io.descent.bench.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A UDP pair's measurement: rate and CPU per byte from both processes' CPU times, and its JSON. */
class UdpPathTest
{
    @Test
    void shouldCostAByteBothProcessesCpuOverTheBytesAndRateItByTheWindow()
    {
        // 200 MB in 0.4 s; sender 0.44 s and receiver 0.28 s of CPU: 0.72 s ÷ 2e8 B = 3.6 ns a byte; the host 0.8 s.
        final UdpPath path = new UdpPath(2e8, 0.4, 440_000_000L, 280_000_000L, 800_000_000L);
        assertEquals(5e8, path.bytesPerSec(), 1e-3);
        assertEquals(3.6e-9, path.cpuSecondsPerByte(), 1e-21);
        assertEquals(4.0e-9, path.hostCpuSecondsPerByte(), 1e-21);
        assertEquals("0.50 GB/s, 3.60 ns CPU a byte (sender 2.20 + receiver 1.40; the host's busy CPU 4.00 ns a " +
            "byte) over 200.0 MB in 400 ms", path.describe());
    }

    @Test
    void shouldReadBackWhatItWrote() throws Exception
    {
        final UdpPath path = new UdpPath(349_500_000.0, 0.738, 768_900_000L, 489_300_000L, 1_440_000_000L);
        final JsonNode json = JsonReports.mapper().readTree(JsonReports.line(path.toJson()));
        assertEquals(path, UdpPath.fromJson(json));
        assertEquals(path.cpuSecondsPerByte(), json.get("cpu_seconds_per_byte").asDouble());
    }

    @Test
    void shouldRefuseAMeasurementWithoutBytesOrAField() throws Exception
    {
        assertThrows(IllegalArgumentException.class, () -> new UdpPath(0, 0.4, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new UdpPath(1e6, 0.4, -1, 1, 1));
        final JsonNode partial = JsonReports.mapper().readTree("{\"bytes\":1e6,\"seconds\":0.1,\"sender_cpu_ns\":1," +
            "\"receiver_cpu_ns\":1}");
        assertThrows(IllegalArgumentException.class, () -> UdpPath.fromJson(partial));
    }
}
