package io.descent.bench.transport;

import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.transport.Transport;
import io.descent.transport.config.IdleSetting;
import io.descent.transport.config.InvalidSettingException;
import io.descent.transport.config.TransportSettings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code descent bench transport}: one-way payload throughput of the Aeron transport (IPC, UDP loopback) against
 * memcpy, Akka Artery and plain TCP, all measured in the same run, with ratios at the largest size.
 */
@Command(
    name = "transport",
    mixinStandardHelpOptions = true,
    description = {
        "Measures one-way throughput of dense buffers: Descent transport over IPC and UDP loopback, memcpy,",
        "Akka Artery TCP (byte[] chunks between two actor systems) and plain java.nio TCP, at each size.",
        "Prints a table and the ratios at the largest size, and MAC'd / plain at every size; --report writes them",
        "as JSON. IPC and UDP channels also give each side's bytes per CPU-second, and MAC'd / plain of the busier",
        "sides (cpu-bound): the ratio once neither side waits, which a shared host's load hardly moves." })
public final class TransportBenchCommand implements Callable<Integer>
{
    static final List<String> CHANNELS = List.of("memcpy", "ipc", "udp", "tcp", "artery", "mdc", "fanout",
        "ipc-hmac", "ipc-gmac", "ipc-poly", "udp-hmac", "udp-gmac", "udp-poly", "gmac-only", "hmac-only", "poly-only",
        "fanout-gmac", "fanout-gmac-each");

    @Spec
    private CommandSpec spec;

    @Option(names = "--sizes", defaultValue = "2m,23m,64m,256m", paramLabel = "LIST",
        description = "Buffer sizes: bytes with k/m/g suffix, comma-separated (default: ${DEFAULT-VALUE}).")
    private String sizes;

    @Option(names = "--channels",
        defaultValue = "memcpy,ipc,udp,tcp,artery,mdc,fanout,ipc-hmac,ipc-gmac,ipc-poly,gmac-only,hmac-only,poly-only",
        paramLabel = "LIST",
        description = "Channels to measure (default: ${DEFAULT-VALUE}); ipc-hmac, ipc-gmac, ipc-poly, udp-hmac," +
            " udp-gmac, udp-poly are ipc and udp with every chunk authenticated (HMAC-SHA256, AES-GMAC or" +
            " ChaCha20-Poly1305) and the ratio to plain reported;" +
            " gmac-only, hmac-only and poly-only tag the buffer on one thread without sending it: their rate ÷ the plain" +
            " channel's bounds the MAC'd ratio (mac_ceiling); fanout-gmac is fanout under AES-GMAC with each chunk" +
            " tagged once for both receivers, as the server sends weights, fanout-gmac-each with every copy tagged" +
            " apart, both compared with fanout.")
    private String channels;

    @Option(names = "--repeats", defaultValue = "0", paramLabel = "N",
        description = "Timed transfers per size and channel; 0 = enough to move ~1 GB (3..25).")
    private int repeats;

    @Option(names = "--spin",
        description = "Busy-spin the receiver, sender and driver threads (fastest, takes whole cores; the" +
            " production default backs off and parks).")
    private boolean spin;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    private Path report;

    @Override
    public Integer call() throws Exception
    {
        final List<Integer> sizeList = SizeList.parse("--sizes", sizes);
        final List<String> channelList = parseChannels();
        if (repeats < 0 || repeats > 1000)
        {
            throw new BadInputException("--repeats: " + repeats + " is out of range; use 0 (automatic) to 1000");
        }
        if (null != report && null != report.toAbsolutePath().getParent() &&
            !Files.isDirectory(report.toAbsolutePath().getParent()))
        {
            throw new BadInputException("--report: directory " + report.toAbsolutePath().getParent() +
                " does not exist; create it or write the report elsewhere");
        }
        final TransportSettings settings = settings();
        final int largest = Collections.max(sizeList);
        final UnsafeBuffer source = randomBuffer(largest);
        final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(largest));
        final PrintWriter out = spec.commandLine().getOut();
        out.printf("descent bench transport: sizes %s, channels %s, idle %s%n", sizes, channelList,
            spin ? "busy-spin (--spin)" : "production defaults (back off, park)");
        out.flush();

        final List<ThroughputRun.Measurement> measurements = new ArrayList<>();
        final Map<String, Map<String, Object>> macRatios = new LinkedHashMap<>();
        final Map<String, Object> geometry = new LinkedHashMap<>();
        Transport transport = null;
        final List<BenchChannel> open = new ArrayList<>();
        try
        {
            if (channelList.stream().anyMatch(c -> c.startsWith("ipc") || c.startsWith("udp") ||
                c.startsWith("mdc") || c.startsWith("fanout")))
            {
                transport = Transport.start(settings);
            }
            for (final String name : channelList)
            {
                open.add(openChannel(name, transport, geometry));
            }
            for (final int size : sizeList)
            {
                for (final BenchChannel channel : open)
                {
                    final ThroughputRun.Measurement m = ThroughputRun.measure(channel, source, destination, size, repeats);
                    measurements.add(m);
                    out.printf("  %-7s %6s  %7.3f GB/s (best %.3f, %d repeats)%s%n", m.channel(),
                        SizeList.format(size), m.medianGbPerS(), m.bestGbPerS(), m.repeats(),
                        m.hasCpu() ? String.format("; per CPU-second: sender %.2f GB, receiver %.2f GB",
                            m.senderGbPerCpuS(), m.receiverGbPerCpuS()) : "");
                    out.flush();
                }
                for (final BenchChannel mac : open)
                {
                    final BenchChannel plain = plainOf(mac, open);
                    if (null != plain)
                    {
                        final double ratio = ThroughputRun.pairedRatio(mac, plain, source, destination, size, repeats);
                        macRatios.computeIfAbsent(mac.name(), k -> new LinkedHashMap<>())
                            .put(Integer.toString(size), TransportBenchReport.significant(ratio));
                        out.printf("  %-7s %6s  %.3f of %s (median of interleaved pairs)%n", mac.name(),
                            SizeList.format(size), ratio, plain.name());
                        out.flush();
                    }
                }
            }
        }
        finally
        {
            for (final BenchChannel channel : open)
            {
                CloseHelper.quietClose(channel);
            }
            CloseHelper.quietClose(transport);
        }

        final Map<String, Object> json = TransportBenchReport.build(measurements, largest, macRatios, settings, spin,
            geometry);
        TransportBenchReport.printTable(out, measurements, sizeList, channelList, json);
        if (null != report)
        {
            JsonReports.writeAtomically(report, json);
            out.printf("report written to %s%n", report.toAbsolutePath());
        }
        out.flush();
        return 0;
    }

    /** @return the plain channel a MAC'd one ({@code ipc-hmac}) is compared with ({@code ipc}), if open. */
    private static BenchChannel plainOf(final BenchChannel mac, final List<BenchChannel> open)
    {
        final int dash = mac.name().indexOf('-');
        if (dash < 0 || !(mac.name().startsWith("ipc") || mac.name().startsWith("udp") ||
            mac.name().startsWith("fanout")))
        {
            return null;
        }
        for (final BenchChannel channel : open)
        {
            if (channel.name().equals(mac.name().substring(0, dash)))
            {
                return channel;
            }
        }
        return null;
    }

    private List<String> parseChannels()
    {
        final List<String> list = new ArrayList<>();
        for (final String raw : channels.split(","))
        {
            final String name = raw.trim().toLowerCase(Locale.ROOT);
            if (!CHANNELS.contains(name))
            {
                throw new BadInputException("--channels: unknown channel '" + raw.trim() + "'; use any of " +
                    String.join(",", CHANNELS));
            }
            if (!list.contains(name))
            {
                list.add(name);
            }
        }
        return list;
    }

    private TransportSettings settings()
    {
        final TransportSettings loaded;
        try
        {
            loaded = TransportSettings.load();
        }
        catch (final InvalidSettingException ex)
        {
            throw new BadInputException(ex.getMessage(), ex);
        }
        if (!spin)
        {
            return loaded;
        }
        final IdleSetting busy = IdleSetting.busySpin();
        return loaded
            .withDriver(loaded.driver().withThreading(loaded.driver().threadingMode(), busy))
            .withSender(loaded.sender().withIdle(busy))
            .withReceiver(loaded.receiver().withIdle(busy));
    }

    private static BenchChannel openChannel(
        final String name, final Transport transport, final Map<String, Object> geometry) throws Exception
    {
        switch (name)
        {
            case "ipc":
                final AeronChannel ipc = AeronChannel.ipc(transport);
                geometry.put("ipc_chunk_bytes", ipc.chunkLength());
                return ipc;
            case "udp":
                final AeronChannel udp = AeronChannel.udp(transport);
                geometry.put("udp_chunk_bytes", udp.chunkLength());
                return udp;
            case "ipc-hmac", "ipc-gmac", "ipc-poly":
                return AeronChannel.ipc(transport, AeronChannel.macNamed(name.substring("ipc-".length())));
            case "udp-hmac", "udp-gmac", "udp-poly":
                return AeronChannel.udp(transport, AeronChannel.macNamed(name.substring("udp-".length())));
            case "gmac-only", "hmac-only", "poly-only":
                return new MacOnlyChannel(AeronChannel.macNamed(name.substring(0, name.length() - "-only".length())));
            case "mdc":
                return FanOutChannel.mdc(transport);
            case "fanout":
                return FanOutChannel.fanout(transport);
            case "fanout-gmac":
                return FanOutChannel.fanoutGmac(transport, true);
            case "fanout-gmac-each":
                return FanOutChannel.fanoutGmac(transport, false);
            case "tcp":
                return new TcpChannel();
            case "artery":
                geometry.put("artery_chunk_bytes", ArteryChannel.CHUNK);
                return new ArteryChannel();
            case "memcpy":
            default:
                return new MemcpyChannel();
        }
    }

    private static UnsafeBuffer randomBuffer(final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        final SplittableRandom random = new SplittableRandom(42);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            buffer.putLong(i, random.nextLong());
        }
        for (; i < length; i++)
        {
            buffer.putByte(i, (byte)random.nextInt());
        }
        return buffer;
    }
}
