package io.descent.bench.transport;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.wire.ChunkAuth;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Measures, for other benchmarks ({@code bench model}, {@code bench scale}), what the data plane itself costs per byte
 * on this host at a message size: one message through Descent's own chunked sender and receiver over Aeron IPC with
 * the chunk tags the cluster's nodes use (a MAC under a cluster key, or a CRC32C), the receiver on its own thread, and
 * the tagging of a message alone on one thread (what a receiving or sending process spends per byte besides the
 * copies; {@link #macBytesPerSec} without the copy). The production idle strategies. Each rate is the median of timed
 * transfers after a warm-up. Used by one thread.
 */
public final class DataPlaneProbe
{
    private static final int REPEATS = 7;
    /** Timed passes of {@link #macBytesPerSec}: odd, for a median. */
    private static final int MAC_REPEATS = 25;
    /** Warm-up of {@link #macBytesPerSec}, in this thread's CPU time: as {@code bench transport}'s channels get. */
    private static final long MAC_WARM_UP_NS = 1_000_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DataPlaneProbe()
    {
    }

    /**
     * The data plane's rates at one message size, bytes per second.
     *
     * @param transferBytesPerSec one message from a sender to a receiver: tagged and copied in, checked and copied out.
     * @param tagBytesPerSec      the chunks' tag alone (the MAC, or the CRC32C), one thread.
     */
    public record Rates(double transferBytesPerSec, double tagBytesPerSec)
    {
    }

    /**
     * @param bytes the message size (the model's M, or a shard's range of it).
     * @param auth  the chunk tag the nodes use.
     * @return the measured rates.
     * @throws IllegalStateException when the transport fails or delivers other bytes, naming what.
     */
    public static Rates measure(final int bytes, final ChunkAuth auth)
    {
        final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        final byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        source.putBytes(0, random);
        final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        try (Transport transport = Transport.start(TransportSettings.load());
            AeronChannel ipc = AeronChannel.ipc(transport, auth))
        {
            final double transfer = ThroughputRun.measure(ipc, source, destination, bytes, REPEATS).medianGbPerS();
            final BenchChannel tag = auth.authenticates() ? new MacOnlyChannel(auth) : new CrcOnlyChannel();
            final double tagged = ThroughputRun.measure(tag, source, destination, bytes, REPEATS).medianGbPerS();
            return new Rates(transfer * 1e9, tagged * 1e9);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("measuring the data plane at " + bytes + " bytes (" + auth + ")", ex);
        }
    }

    /**
     * The MAC alone on this thread: the transport's own {@code ChunkMac} tagging a buffer of {@code bytes} chunk by
     * chunk as the data plane cuts it ({@link MacOnlyChannel#tag}), no copy, after a warm-up of {@link #MAC_WARM_UP_NS}
     * of this thread's CPU time (the JIT compiles the MAC's intrinsics). Timed in this thread's CPU time, not wall
     * time: on a loaded host a pass's wall time includes the time other processes ran, which a node's MAC did not
     * cost (wall time only where the JVM cannot tell a thread's CPU time). What one tag or check costs a node per byte.
     *
     * @param bytes the buffer size (a model's gradient or weights message).
     * @param auth  a MAC ({@link ChunkAuth#authenticates()}).
     * @return bytes per CPU-second, the median of {@link #MAC_REPEATS} timed passes over the buffer.
     * @throws IllegalArgumentException for {@link ChunkAuth#CRC_ONLY}.
     */
    public static double macBytesPerSec(final int bytes, final ChunkAuth auth)
    {
        if (!auth.authenticates())
        {
            throw new IllegalArgumentException(auth.label() + " is not a MAC");
        }
        final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        final byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        source.putBytes(0, random);
        final MacOnlyChannel mac = new MacOnlyChannel(auth);
        final LongSupplier clock = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled() ?
            THREADS::getCurrentThreadCpuTime : System::nanoTime;
        final long warmUpEnd = clock.getAsLong() + MAC_WARM_UP_NS;
        while (clock.getAsLong() - warmUpEnd < 0)
        {
            mac.tag(source, bytes);
        }
        final double[] rates = new double[MAC_REPEATS];
        for (int i = 0; i < MAC_REPEATS; i++)
        {
            final long start = clock.getAsLong();
            mac.tag(source, bytes);
            rates[i] = bytes / (Math.max(1, clock.getAsLong() - start) / 1e9);
        }
        Arrays.sort(rates);
        return rates[MAC_REPEATS / 2];
    }

    /**
     * What one message through Descent's chunked sender and receiver over UDP costs, in frames of a link's size.
     *
     * @param bytesPerSec        the message's bytes per second of wall time: the most one sender-receiver pair moves.
     * @param cpuSecondsPerByte  CPU seconds per byte of the message, both ends together: the process's user and system
     *                           time (the senders' and receivers' threads, the media driver's, and the kernel's work
     *                           in their system calls and the softirqs they run), over the bytes moved.
     */
    public record Udp(double bytesPerSec, double cpuSecondsPerByte)
    {
    }

    /**
     * One message through Descent's chunked sender and receiver over UDP to this host's loopback, in frames of a link's
     * size: the kernel's and the media driver's per-datagram work that a link between hosts adds to a transfer. The
     * rate is the median of timed transfers after a warm-up; the CPU cost is this process's CPU time over
     * {@link #REPEATS} further transfers, which count everything both ends do, whatever else runs on the host. It
     * leaves out what the kernel defers to its softirq threads (ksoftirqd) and, over loopback, what a veth, a bridge
     * and a qdisc add to a datagram's path between namespaces.
     *
     * @param bytes      the message size.
     * @param auth       the chunk tag the nodes use.
     * @param frameBytes the UDP frame length of the nodes' links (their Aeron MTU).
     * @return the rate and the CPU seconds per byte.
     * @throws IllegalStateException when the transport fails or delivers other bytes, naming what.
     */
    public static Udp udp(final int bytes, final ChunkAuth auth, final int frameBytes)
    {
        final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        final byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        source.putBytes(0, random);
        final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport.driver.loopback-mtu = " + frameBytes).withFallback(ConfigFactory.load()));
        try (Transport transport = Transport.start(settings);
            AeronChannel udp = AeronChannel.udp(transport, auth))
        {
            final double rate = ThroughputRun.measure(udp, source, destination, bytes, REPEATS).medianGbPerS() * 1e9;
            final long start = ProcessCpu.nanos();
            for (int i = 0; i < REPEATS; i++)
            {
                udp.transfer(source, destination, bytes);
            }
            final long cpuNanos = ProcessCpu.nanos() - start;
            return new Udp(rate, cpuNanos / 1e9 / ((double)bytes * REPEATS));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("measuring the data plane over UDP at " + bytes + " bytes in " +
                frameBytes + "-byte frames (" + auth + ")", ex);
        }
    }
}
