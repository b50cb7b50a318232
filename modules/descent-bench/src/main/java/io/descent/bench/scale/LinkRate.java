package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A link rate for {@code bench scale --netns --link-rate RATE}: Linux {@code tc} token-bucket shaping ({@code tbf};
 * {@code netem} is not available everywhere) on every veth of the run's namespaces, both ends, so that each node has
 * a full-duplex link of that rate to the bridge. Written as {@code tc} writes rates: a number and kbit, mbit, gbit or
 * tbit (powers of 1000 bits per second). Immutable.
 *
 * @param text          the rate as given, lower-cased, e.g. "100mbit".
 * @param bitsPerSecond the rate.
 */
record LinkRate(String text, long bitsPerSecond)
{
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)(kbit|mbit|gbit|tbit)");
    /** Slower links make a run of any model take hours; faster ones are not what veths carry. */
    static final long MIN_BITS_PER_SECOND = 1_000_000L;
    static final long MAX_BITS_PER_SECOND = 400_000_000_000L;
    /** How long a full bucket lasts at the rate: smooth enough, yet past the timer's granularity at 10gbit. */
    private static final double BURST_SECONDS = 0.004;
    /** At least a 64 KiB GSO packet (TCP over veths) and two frames pass as one. */
    private static final int MIN_BURST_BYTES = 65_536;
    /** The shortest the bucket's queue holds at the rate, as a switch port buffers. */
    private static final double QUEUE_SECONDS = 0.05;
    /**
     * Bytes one Aeron stream may have in flight: descent.transport's receiver window (4 MiB by default). Aeron has no
     * congestion control, so a queue shorter than the windows in flight into one link drops packets, and the NAKed
     * retransmissions, not the link, set the pace (seen: 38 k drops per run at 100mbit with a 50 ms queue).
     */
    static final long RECEIVER_WINDOW_BYTES = 4L << 20;

    /**
     * @param text {@code --link-rate}'s value.
     * @return the rate.
     * @throws BadInputException naming the value and the form expected.
     */
    static LinkRate parse(final String text)
    {
        final String value = text.trim().toLowerCase(Locale.ROOT);
        final Matcher matcher = RATE.matcher(value);
        if (!matcher.matches())
        {
            throw new BadInputException("--link-rate '" + text + "' is not a rate; write it as tc does, a number " +
                "and kbit, mbit, gbit or tbit, e.g. 100mbit, 1gbit or 10gbit");
        }
        final double bits = Double.parseDouble(matcher.group(1)) * switch (matcher.group(2))
        {
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            case "gbit" -> 1e9;
            default -> 1e12;
        };
        if (bits < MIN_BITS_PER_SECOND || bits > MAX_BITS_PER_SECOND)
        {
            throw new BadInputException("--link-rate '" + text + "' is out of range; use 1mbit to 400gbit, e.g. " +
                "100mbit, 1gbit or 10gbit");
        }
        return new LinkRate(value, Math.round(bits));
    }

    /**
     * @param mtu the links' MTU in bytes.
     * @return the bucket's size: 4 ms at the rate, at least 64 KiB and two frames.
     */
    long burstBytes(final int mtu)
    {
        return Math.max(Math.max(MIN_BURST_BYTES, 2L * (mtu + 14)), Math.round(bitsPerSecond / 8.0 * BURST_SECONDS));
    }

    /**
     * @param mtu   the links' MTU in bytes.
     * @param flows the most data-plane streams into one link (N workers into a server's, S shards into a worker's).
     * @return the queue's size in bytes: 50 ms at the rate, or every stream's window and a bucket when more.
     */
    long limitBytes(final int mtu, final int flows)
    {
        return Math.max(Math.round(bitsPerSecond / 8.0 * QUEUE_SECONDS), flows * RECEIVER_WINDOW_BYTES +
            burstBytes(mtu));
    }

    /**
     * @param mtu   the links' MTU in bytes.
     * @param flows the most data-plane streams into one link ({@link #limitBytes}).
     * @return the root qdisc of every veth end, as {@code tc qdisc add dev DEV root} takes it, e.g.
     * {@code tbf rate 100000000bit burst 65536 limit 8454144}.
     */
    List<String> qdisc(final int mtu, final int flows)
    {
        return List.of("tbf", "rate", bitsPerSecond + "bit", "burst", String.valueOf(burstBytes(mtu)), "limit",
            String.valueOf(limitBytes(mtu, flows)));
    }
}
