package io.descent.bench.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a step costs beyond compute and the links, measured on the host the model runs on ({@link RateProbe},
 * {@code DataPlaneProbe}). Immutable.
 *
 * @param stepSeconds         fixed cost of one step, whatever the model's size: step orders, the step barrier, waking
 *                            the compute threads, the data plane's polling; seconds.
 * @param sumBytesPerSec      the server's fold of one gradient into the running sum (an axpy), bytes of gradient per
 *                            second.
 * @param updateBytesPerSec   the server's update of its range: the finiteness check of the summed gradient (one BLAS
 *                            pass) and the optimizer step (momentum SGD), bytes of parameters per second.
 * @param copyBytesPerSec     one process's copy of a buffer into a publication, with its CRC32C, and out again: what
 *                            the server spends per byte on each further copy of a broadcast.
 * @param transferBytesPerSec one message through the data plane from one process to another (chunks tagged and
 *                            copied in by the sender, checked and copied out by the receiver), at the model's size:
 *                            the most a sender-receiver pair moves, whatever the link.
 * @param tagBytesPerSec      the chunk tag alone (the MAC, or the CRC32C), one thread: what a server spends per byte it
 *                            receives (a check) and per byte it broadcasts (one tag for every receiver).
 * @param udpBytesPerSec      as {@code transferBytesPerSec}, over UDP in the links' frames (the kernel's and the media
 *                            driver's per-datagram work): the most a sender-receiver pair on two hosts moves.
 * @param sendBufferBytes     a UDP sender's socket buffer as the kernel grants it (descent.transport.driver.socket-sndbuf,
 *                            at most net.core.wmem_max): how far one peer's message gets ahead of the others' in a
 *                            broadcast through a link's queue (0: no head start).
 * @param udpCpuSecondsPerByte CPU seconds a byte moved over UDP costs both ends together (user and system time of the
 *                            senders, the receivers and the media drivers, with the kernel's work in their calls):
 *                            what N + S processes sharing a host's cores spend per byte of a phase over links.
 */
public record Overheads(double stepSeconds, double sumBytesPerSec, double updateBytesPerSec, double copyBytesPerSec,
    double transferBytesPerSec, double tagBytesPerSec, double udpBytesPerSec, double sendBufferBytes,
    double udpCpuSecondsPerByte)
{
    public Overheads
    {
        if (!(stepSeconds >= 0) || !(sumBytesPerSec > 0) || !(updateBytesPerSec > 0) || !(copyBytesPerSec > 0) ||
            !(transferBytesPerSec > 0) || !(tagBytesPerSec > 0) || !(udpBytesPerSec > 0) || !(sendBufferBytes >= 0) ||
            !(udpCpuSecondsPerByte >= 0) || Double.isInfinite(udpCpuSecondsPerByte))
        {
            throw new IllegalArgumentException("step seconds ≥ 0, positive rates, a send buffer ≥ 0 and finite UDP " +
                "CPU seconds per byte ≥ 0 expected, got " + stepSeconds + ", " + sumBytesPerSec + ", " +
                updateBytesPerSec + ", " + copyBytesPerSec + ", " + transferBytesPerSec + ", " + tagBytesPerSec + ", " +
                udpBytesPerSec + ", " + sendBufferBytes + ", " + udpCpuSecondsPerByte);
        }
    }

    /** Overheads whose UDP transfers cost the CPU what IPC ones do ({@link #transferCpuSecondsPerByte}). */
    public Overheads(final double stepSeconds, final double sumBytesPerSec, final double updateBytesPerSec,
        final double copyBytesPerSec, final double transferBytesPerSec, final double tagBytesPerSec,
        final double udpBytesPerSec, final double sendBufferBytes)
    {
        this(stepSeconds, sumBytesPerSec, updateBytesPerSec, copyBytesPerSec, transferBytesPerSec, tagBytesPerSec,
            udpBytesPerSec, sendBufferBytes, 2.0 / tagBytesPerSec + 1.0 / copyBytesPerSec);
    }

    /** Overheads whose UDP transfers are as fast as IPC ones, without a broadcast head start. */
    public Overheads(final double stepSeconds, final double sumBytesPerSec, final double updateBytesPerSec,
        final double copyBytesPerSec, final double transferBytesPerSec, final double tagBytesPerSec)
    {
        this(stepSeconds, sumBytesPerSec, updateBytesPerSec, copyBytesPerSec, transferBytesPerSec, tagBytesPerSec,
            transferBytesPerSec, 0);
    }

    /** @return these overheads with a fixed cost of {@code seconds} per step. */
    public Overheads withStepSeconds(final double seconds)
    {
        return new Overheads(seconds, sumBytesPerSec, updateBytesPerSec, copyBytesPerSec, transferBytesPerSec,
            tagBytesPerSec, udpBytesPerSec, sendBufferBytes, udpCpuSecondsPerByte);
    }

    /**
     * @param slowdown how much slower the server's fold and update ran in a run than these rates say (its measured
     *                 server work ÷ {@link StepTimeModel#serverWork}), positive.
     * @return these overheads with the sum and update rates divided by it.
     */
    public Overheads withServerSlowdown(final double slowdown)
    {
        if (!(slowdown > 0) || Double.isInfinite(slowdown))
        {
            throw new IllegalArgumentException("a positive finite slowdown expected, got " + slowdown);
        }
        return new Overheads(stepSeconds, sumBytesPerSec / slowdown, updateBytesPerSec / slowdown, copyBytesPerSec,
            transferBytesPerSec, tagBytesPerSec, udpBytesPerSec, sendBufferBytes, udpCpuSecondsPerByte);
    }

    /**
     * @param bytesPerSec       {@link #udpBytesPerSec} measured elsewhere (e.g. between two namespaces).
     * @param cpuSecondsPerByte {@link #udpCpuSecondsPerByte} measured with it.
     * @return these overheads with that UDP rate and CPU cost.
     */
    public Overheads withUdp(final double bytesPerSec, final double cpuSecondsPerByte)
    {
        return new Overheads(stepSeconds, sumBytesPerSec, updateBytesPerSec, copyBytesPerSec, transferBytesPerSec,
            tagBytesPerSec, bytesPerSec, sendBufferBytes, cpuSecondsPerByte);
    }

    /**
     * @return CPU seconds one byte costs both ends of a transfer over IPC together: the sender tags it and the receiver
     * checks the tag (two tags), and the copy into the publication and out of it ({@link #copyBytesPerSec} times both).
     */
    public double transferCpuSecondsPerByte()
    {
        return 2.0 / tagBytesPerSec + 1.0 / copyBytesPerSec;
    }

    /**
     * @param overLinks whether the bytes cross links (UDP) rather than shared memory on one host (IPC).
     * @return CPU seconds one byte costs both ends together: {@link #udpCpuSecondsPerByte} over links, else
     * {@link #transferCpuSecondsPerByte}.
     */
    public double cpuSecondsPerByte(final boolean overLinks)
    {
        return overLinks ? udpCpuSecondsPerByte : transferCpuSecondsPerByte();
    }

    /** @return the rates in one line, GB/s, and the fixed cost in ms. */
    public String describe()
    {
        return String.format(Locale.ROOT, "fold %.2f GB/s, update (finite check + momentum SGD) %.2f GB/s, local " +
            "copy+CRC %.2f GB/s, data-plane transfer %.2f GB/s (IPC) and %.2f GB/s (UDP; %.2f ns CPU a byte, both ends), " +
            "its tag alone %.2f GB/s, UDP send buffer %.2f MB, fixed cost %.2f ms a step", sumBytesPerSec / 1e9,
            updateBytesPerSec / 1e9, copyBytesPerSec / 1e9, transferBytesPerSec / 1e9, udpBytesPerSec / 1e9,
            udpCpuSecondsPerByte * 1e9, tagBytesPerSec / 1e9, sendBufferBytes / 1e6, stepSeconds * 1e3);
    }

    /** @return the report's {@code overheads} object. */
    public Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("fixed_step_s", stepSeconds);
        json.put("sum_bytes_per_sec", sumBytesPerSec);
        json.put("update_bytes_per_sec", updateBytesPerSec);
        json.put("copy_bytes_per_sec", copyBytesPerSec);
        json.put("transfer_bytes_per_sec", transferBytesPerSec);
        json.put("tag_bytes_per_sec", tagBytesPerSec);
        json.put("udp_bytes_per_sec", udpBytesPerSec);
        json.put("send_buffer_bytes", sendBufferBytes);
        json.put("udp_cpu_seconds_per_byte", udpCpuSecondsPerByte);
        return json;
    }
}
