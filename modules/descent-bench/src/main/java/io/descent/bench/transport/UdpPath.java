package io.descent.bench.transport;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a stream of messages over UDP cost between two processes on two hosts' paths ({@link UdpPairCommand}: a sender
 * and a receiver, each in a network namespace of its own): the bytes the receiver got in its timed window, how long
 * that took, each process's CPU time (user + system, {@link ProcessCpu}) over its part of the window, and the whole
 * host's busy CPU time (/proc/stat, every process and the kernel's softirq threads) over the receiver's window.
 * Immutable.
 *
 * @param bytes              message bytes received in the timed window.
 * @param seconds            the window's wall time at the receiver: the last warm-up message complete → the last
 *                           timed message complete.
 * @param senderCpuNanos     the sending process's CPU time over its timed sends until the receiver was done.
 * @param receiverCpuNanos   the receiving process's CPU time over the window.
 * @param hostBusyCpuNanos   the host's busy CPU time over the window, all CPUs ({@link HostCpu}); it includes every
 *                           other process on the host.
 */
public record UdpPath(double bytes, double seconds, long senderCpuNanos, long receiverCpuNanos, long hostBusyCpuNanos)
{
    public UdpPath
    {
        if (!(bytes > 0) || !(seconds > 0) || senderCpuNanos < 0 || receiverCpuNanos < 0 || hostBusyCpuNanos < 0)
        {
            throw new IllegalArgumentException("positive bytes and seconds and CPU times ≥ 0 expected, got " + bytes +
                ", " + seconds + ", " + senderCpuNanos + ", " + receiverCpuNanos + ", " + hostBusyCpuNanos);
        }
    }

    /** @return the message bytes a sender-receiver pair moved per second of wall time. */
    public double bytesPerSec()
    {
        return bytes / seconds;
    }

    /** @return CPU seconds per byte, both processes together: (sender's + receiver's CPU time) ÷ bytes. */
    public double cpuSecondsPerByte()
    {
        return (senderCpuNanos + receiverCpuNanos) / 1e9 / bytes;
    }

    /**
     * @return the host's busy CPU seconds per byte over the window: an upper bound of what the path cost that the
     * two processes' own times may miss (softirq work run by ksoftirqd or in another process's context), with
     * whatever else ran on the host.
     */
    public double hostCpuSecondsPerByte()
    {
        return hostBusyCpuNanos / 1e9 / bytes;
    }

    /** @return rate and CPU costs in one line. */
    public String describe()
    {
        return String.format(Locale.ROOT, "%.2f GB/s, %.2f ns CPU a byte (sender %.2f + receiver %.2f; the host's " +
            "busy CPU %.2f ns a byte) over %.1f MB in %.0f ms", bytesPerSec() / 1e9, cpuSecondsPerByte() * 1e9,
            senderCpuNanos / bytes, receiverCpuNanos / bytes, hostCpuSecondsPerByte() * 1e9, bytes / 1e6,
            seconds * 1e3);
    }

    /** @return the fields and the derived rates, as {@link #fromJson} reads them back. */
    public Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("bytes", bytes);
        json.put("seconds", seconds);
        json.put("sender_cpu_ns", senderCpuNanos);
        json.put("receiver_cpu_ns", receiverCpuNanos);
        json.put("host_busy_cpu_ns", hostBusyCpuNanos);
        json.put("bytes_per_sec", bytesPerSec());
        json.put("cpu_seconds_per_byte", cpuSecondsPerByte());
        json.put("host_cpu_seconds_per_byte", hostCpuSecondsPerByte());
        return json;
    }

    /**
     * @param json what {@link #toJson} wrote.
     * @return the path's measurement.
     * @throws IllegalArgumentException when a field is missing or out of range.
     */
    public static UdpPath fromJson(final JsonNode json)
    {
        for (final String field : new String[] { "bytes", "seconds", "sender_cpu_ns", "receiver_cpu_ns",
            "host_busy_cpu_ns" })
        {
            if (!json.path(field).isNumber())
            {
                throw new IllegalArgumentException("the UDP path's measurement has no number '" + field + "': " +
                    json);
            }
        }
        return new UdpPath(json.path("bytes").asDouble(), json.path("seconds").asDouble(),
            json.path("sender_cpu_ns").asLong(), json.path("receiver_cpu_ns").asLong(),
            json.path("host_busy_cpu_ns").asLong());
    }
}
