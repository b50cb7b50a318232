package io.descent.transport.driver;

import io.descent.transport.config.Sizes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * The rule that sizes the receiver flow-control window of UDP images from the socket's receive buffer: every image
 * on one socket may have a whole window in flight, so the windows of the images sharing a socket must together fit
 * the payload the socket can hold, or a burst of all senders overflows it (kernel drops, then retransmits, which
 * stall a link without congestion control). Immutable; thread-safe.
 *
 * <p>The payload a socket holds is the {@code SO_RCVBUF} it was granted as Java reads it back: min(request,
 * {@code net.core.rmem_max}) on Linux. The kernel itself doubles that "to allow space for bookkeeping overhead"
 * (socket(7)) and charges each datagram its buffer's true size (about 2.3 KiB for a 1408-byte frame), and the JDK
 * reports half of the kernel's doubled value, so the value read back is the payload the request promised. Measured on
 * Linux 6.18 (loopback, a socket that was not read, 1 MiB requested): it held 1.22 MiB of 1408-byte datagrams, 1.08 MiB
 * of 8960-byte ones and 1.94 MiB of 65504-byte ones, never less than the budget.
 *
 * @param grantedRcvbuf {@code SO_RCVBUF} as Java reads it back from a socket after requesting the configured length.
 * @param budget        payload bytes the socket holds: {@code min(grantedRcvbuf, requested)}.
 * @param maxWindow     the largest window of one image: min(configured {@code socket-rcvbuf}, term length / 2).
 */
public record ReceiverWindow(int grantedRcvbuf, int budget, int maxWindow)
{
    /** Windows are multiples of this, so logged sizes read well and frames align. */
    static final int GRANULE = 4096;

    /**
     * @param grantedRcvbuf  {@code SO_RCVBUF} as read back after the request, bytes.
     * @param requestedRcvbuf the configured {@code socket-rcvbuf}, bytes.
     * @param termLength     term length of UDP images, bytes.
     * @return the rule for sockets that got {@code grantedRcvbuf}.
     */
    public static ReceiverWindow of(final int grantedRcvbuf, final int requestedRcvbuf, final int termLength)
    {
        return new ReceiverWindow(
            grantedRcvbuf, Math.min(grantedRcvbuf, requestedRcvbuf), Math.min(requestedRcvbuf, termLength / 2));
    }

    /**
     * Asks the kernel what a UDP socket gets for {@code requestedRcvbuf} (what the media driver's sockets will get).
     *
     * @param requestedRcvbuf the configured {@code socket-rcvbuf}, bytes.
     * @param termLength      term length of UDP images, bytes.
     * @return the rule.
     * @throws UncheckedIOException when no UDP socket can be opened.
     */
    public static ReceiverWindow probe(final int requestedRcvbuf, final int termLength)
    {
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.setOption(StandardSocketOptions.SO_RCVBUF, requestedRcvbuf);
            return of(probe.getOption(StandardSocketOptions.SO_RCVBUF), requestedRcvbuf, termLength);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a UDP socket to read the granted SO_RCVBUF", ex);
        }
    }

    /**
     * @param senders   images receiving on the socket (at least 1).
     * @param senderMtu the frame length of the image's sender, bytes: Aeron needs a window of at least one frame.
     * @return the window of each image: {@code budget / senders} rounded down to 4 KiB, at most {@link #maxWindow()},
     *         at least {@code senderMtu} (then the socket can overflow: see {@link #fits(int, int)}).
     */
    public int perSender(final int senders, final int senderMtu)
    {
        final int share = budget / Math.max(1, senders) / GRANULE * GRANULE;
        return Math.max(senderMtu, Math.min(maxWindow, share));
    }

    /**
     * @return true when {@code senders} windows of {@link #perSender} bytes fit the socket's budget (false only
     *         when the budget is below one frame per sender).
     */
    public boolean fits(final int senders, final int senderMtu)
    {
        return (long)perSender(senders, senderMtu) * senders <= budget;
    }

    /** @return a one-line description for the log. */
    public String describe()
    {
        return "SO_RCVBUF granted " + Sizes.format(grantedRcvbuf) + " (the kernel reserves twice that), " +
            Sizes.format(budget) + " of payload per socket split among its senders, at most " +
            Sizes.format(maxWindow) + " per sender";
    }
}
